/* fuzz_json.c - libFuzzer target: any native JSON body must decode or fail cleanly, never crash or leak. */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decode(FMT_JSON, data, size, NULL);
	return 0;
}
