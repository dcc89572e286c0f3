/* fuzz_config.c - libFuzzer target: any bytes as mestatd.conf must give a
 * configuration or a list of problems, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include "../memfile.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[32];
	int fd = memfile_open(data, size, path);
	if (fd < 0)
		return 0;
	struct config_errors errs = {0};
	struct config *cf = config_load(path, &errs);
	config_free(cf);
	config_errors_free(&errs);
	close(fd);
	return 0;
}
