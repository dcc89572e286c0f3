/* fuzz_sdmx_csv.c - libFuzzer target: any SDMX-CSV body must decode or fail cleanly, with default and custom column maps. */
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct fmt_sdmx_map custom = {
		.reporter_col = "GEO",
		.indicator_col = "MEASURE",
		.period_col = "TIME",
		.value_col = "OBS_VALUE",
		.comment_col = "NOTE",
	};

	fuzz_decode(FMT_SDMX_CSV, data, size, NULL);
	fuzz_decode(FMT_SDMX_CSV, data, size, &custom);
	return 0;
}
