/* fuzz_config.c - libFuzzer target: any bytes as mestatd.conf must give a
 * configuration or a list of problems, never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/mestat-fuzz-conf-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	struct config_errors errs = {0};
	struct config *cf = config_load(path, &errs);
	config_free(cf);
	config_errors_free(&errs);
	unlink(path);
	return 0;
}
