/* fuzz_dhis2_csv.c - libFuzzer target: any DHIS2 CSV body must decode or fail cleanly, never crash or leak. */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decode(FMT_DHIS2_CSV, data, size, NULL);
	return 0;
}
