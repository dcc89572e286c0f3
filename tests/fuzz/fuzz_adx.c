/* fuzz_adx.c - libFuzzer target: any ADX body must decode or fail cleanly, never crash or leak. */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decode(FMT_ADX, data, size, NULL);
	return 0;
}
