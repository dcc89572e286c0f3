/* test_config.c - the configuration reader: defaults, every kind of bad
 * input named by key and line, and file checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../memfile.h"
#include "config.h"

/* load TEXT; return the configuration (or NULL) and leave messages in ERRS. */
static struct config *load(const char *text, struct config_errors *errs)
{
	char path[32];
	int fd = memfile_open(text, strlen(text), path);
	assert_true(fd >= 0);
	struct config *cf = config_load(path, errs);
	close(fd);
	return cf;
}

static bool any_error_contains(const struct config_errors *errs, const char *needle)
{
	for (size_t i = 0; i < errs->n; i++)
		if (strstr(errs->msgs[i], needle))
			return true;
	return false;
}

static void test_empty_file_gives_documented_defaults(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	struct config *cf = load("", &errs);
	assert_non_null(cf);
	assert_string_equal(cf->listen, "0.0.0.0:8443");
	assert_string_equal(cf->metrics_listen, "127.0.0.1:9187");
	assert_int_equal(cf->max_body_size, 10 * 1024 * 1024);
	assert_true(cf->request_timeout == 30.0);
	assert_true(cf->recompute_interval == 900.0);
	assert_int_equal(cf->due_days, 30);
	assert_true(cf->auto_migrate);
	assert_null(cf->sources);
	config_free(cf);
	config_errors_free(&errs);
}

static void test_values_are_read_with_units(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	struct config *cf = load("[mestatd]\nlisten = [::1]:9443\nmax_body_size = 512KB\n"
	                         "request_timeout = 2m\nrecompute_interval = 1h\nauto_migrate = no\n"
	                         "due_days = 45\nlog_level = debug\n",
	                         &errs);
	assert_non_null(cf);
	assert_string_equal(cf->listen, "[::1]:9443");
	assert_int_equal(cf->max_body_size, 512 * 1024);
	assert_true(cf->request_timeout == 120.0);
	assert_true(cf->recompute_interval == 3600.0);
	assert_false(cf->auto_migrate);
	assert_int_equal(cf->due_days, 45);
	config_free(cf);
	config_errors_free(&errs);
}

static void test_unknown_key_is_named_with_its_line(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	struct config *cf = load("[mestatd]\nlisten = 127.0.0.1:1\n\nlisten_port = 8443\n", &errs);
	assert_null(cf);
	assert_int_equal(errs.n, 1);
	assert_non_null(strstr(errs.msgs[0], ":4: unknown key \"listen_port\""));
	config_errors_free(&errs);
}

static void test_bad_number_is_named_with_key_and_line(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	assert_null(load("[mestatd]\nmax_connections = lots\n", &errs));
	assert_true(any_error_contains(&errs, ":2: bad value \"lots\" for key \"max_connections\""));
	config_errors_free(&errs);
	assert_null(load("[mestatd]\nmax_body_size = 10 parsecs\n", &errs));
	assert_true(any_error_contains(&errs, "\"max_body_size\": expected a size"));
	config_errors_free(&errs);
	assert_null(load("[mestatd]\nrequest_timeout = soon\n", &errs));
	assert_true(any_error_contains(&errs, "expected a duration"));
	config_errors_free(&errs);
	assert_null(load("[mestatd]\nlisten = 8443\n", &errs));
	assert_true(any_error_contains(&errs, "expected host:port"));
	config_errors_free(&errs);
}

static void test_every_problem_is_reported_not_only_the_first(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	assert_null(load("[mestatd]\nfoo = 1\nauto_migrate = maybe\n[elsewhere]\nx = 1\n", &errs));
	assert_int_equal(errs.n, 3);
	assert_true(any_error_contains(&errs, ":2: unknown key \"foo\""));
	assert_true(any_error_contains(&errs, ":3: bad value \"maybe\""));
	assert_true(any_error_contains(&errs, ":4: unknown section [elsewhere]"));
	config_errors_free(&errs);
}

static void test_syntax_error_names_the_line(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	assert_null(load("[mestatd]\nlisten 127.0.0.1\n", &errs));
	assert_true(any_error_contains(&errs, ":2: cannot parse this line"));
	config_errors_free(&errs);
}

static void test_missing_file_is_an_error(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	assert_null(config_load("/nonexistent/mestatd.conf", &errs));
	assert_true(any_error_contains(&errs, "/nonexistent/mestatd.conf: cannot open"));
	config_errors_free(&errs);
}

static void test_unreadable_tls_key_is_reported(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	char key[32];
	int fd = memfile_open("not really a key", 16, key);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0), 0);
	char text[512];
	snprintf(text, sizeof(text), "[mestatd]\ntls_key = %s\n", key);
	struct config *cf = load(text, &errs);
	assert_non_null(cf);
	/* root reads any file: only check what a non-root daemon would see */
	size_t problems = config_check_files(cf, &errs);
	if (geteuid() != 0)
		assert_true(any_error_contains(&errs, "tls_key"));
	assert_true(problems >= 1); /* the default certificate paths do not exist here */
	assert_true(any_error_contains(&errs, "tls_cert"));
	close(fd);
	config_free(cf);
	config_errors_free(&errs);
}

static void test_notify_section_is_read_and_checked(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	struct config *cf = load("", &errs);
	assert_non_null(cf);
	assert_string_equal(cf->notify.remind_days, "7,1");
	assert_string_equal(cf->notify.smtp_url, "");
	assert_true(cf->notify.source_alert_after == 6 * 3600.0);
	assert_int_equal(cf->lock_days, 0);
	config_free(cf);
	cf = load("[mestatd]\nlock_days = 30\n[notify]\nsmtp_url = smtps://mail.example:465\n"
	          "smtp_from = mestat@ministry.example\nremind_days = 14,7,1\ninterval = 10s\n",
	          &errs);
	assert_non_null(cf);
	assert_int_equal(errs.n, 0);
	assert_int_equal(cf->lock_days, 30);
	assert_string_equal(cf->notify.smtp_url, "smtps://mail.example:465");
	assert_string_equal(cf->notify.remind_days, "14,7,1");
	assert_true(cf->notify.interval == 10.0);
	config_free(cf);
	assert_null(load("[notify]\nsmtp_url = http://mail.example\nremind_days = 7;1\nwebhook = x\n", &errs));
	assert_true(any_error_contains(&errs, ":2: smtp_url must start with smtp:// (STARTTLS) or smtps://"));
	assert_true(any_error_contains(&errs, ":2: smtp_url is set: smtp_from needs the sender's e-mail address"));
	assert_true(any_error_contains(&errs, ":3: remind_days \"7;1\" must be days before the due date"));
	assert_true(any_error_contains(&errs, ":4: unknown key \"webhook\" in [notify]"));
	config_errors_free(&errs);
	assert_null(load("[mestatd]\nlock_days = -1\n", &errs));
	assert_true(any_error_contains(&errs, ":2: bad value \"-1\" for key \"lock_days\""));
	config_errors_free(&errs);
}

static void test_source_sections_are_read_and_checked(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	struct config *cf = load("[source beijing]\nreporter = 110000\nurl = https://127.0.0.1:1/q\n"
	                         "format = sdmx-csv\ninterval = 30m\nsdmx_reporter_column = AREA\n",
	                         &errs);
	assert_non_null(cf);
	assert_non_null(cf->sources);
	assert_string_equal(cf->sources->name, "beijing");
	assert_int_equal(cf->sources->format, FMT_SDMX_CSV);
	assert_true(cf->sources->interval == 1800.0);
	assert_string_equal(cf->sources->sdmx.reporter_col, "AREA");
	config_free(cf);
	assert_null(load("[source x]\nreporter = 110000\nurl = http://plain/\nformat = xml\n", &errs));
	assert_true(any_error_contains(&errs, "needs an https:// url"));
	assert_true(any_error_contains(&errs, "unknown format \"xml\""));
	config_errors_free(&errs);
}

static void test_non_reloadable_key_change_is_refused(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	struct config *a = load("[mestatd]\nlisten = 127.0.0.1:1000\n", &errs);
	struct config *b = load("[mestatd]\nlisten = 127.0.0.1:2000\nmax_connections = 5\n", &errs);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(config_reload_conflicts(a, b, &errs), 1);
	assert_true(any_error_contains(&errs, "listen cannot change on reload"));
	config_free(a);
	config_free(b);
	config_errors_free(&errs);
}

static void test_key_set_twice_names_both_lines(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	assert_null(load("[mestatd]\nlisten = 127.0.0.1:1\nlog_level = info\n\nlisten = 0.0.0.0:2\n", &errs));
	assert_int_equal(errs.n, 1);
	assert_true(any_error_contains(&errs, ":5: key \"listen\" is set twice in [mestatd], at lines 2 and 5"));
	config_errors_free(&errs);
	assert_null(load("[source a]\nreporter = 110000\nurl = https://h/\nreporter = 120000\n", &errs));
	assert_true(any_error_contains(&errs, ":4: key \"reporter\" is set twice in [source a], at lines 2 and 4"));
	config_errors_free(&errs);
}

static void test_same_key_in_two_sources_is_fine(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	struct config *cf = load("[source a]\nreporter = 110000\nurl = https://h/a\n"
	                         "[source b]\nreporter = 120000\nurl = https://h/b\n",
	                         &errs);
	assert_non_null(cf);
	assert_int_equal(errs.n, 0);
	config_free(cf);
}

static void test_empty_unknown_section_is_reported(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	assert_null(load("[mestatd]\nlog_level = info\n[mestat]\n\n[source]\n", &errs));
	assert_int_equal(errs.n, 2);
	assert_true(any_error_contains(&errs, ":3: unknown section [mestat]"));
	assert_true(any_error_contains(&errs, ":5: unknown section [source]"));
	config_errors_free(&errs);
}

static void test_short_interval_alone_is_valid(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	struct config *cf = load("[source a]\nreporter = 110000\nurl = https://h/a\ninterval = 10s\n", &errs);
	for (size_t i = 0; i < errs.n; i++)
		print_message("%s\n", errs.msgs[i]);
	assert_non_null(cf);
	assert_true(cf->sources->retry_min == 10.0);
	assert_true(cf->sources->retry_max == 10.0);
	config_free(cf);
	/* a long interval keeps the documented 30s start */
	cf = load("[source a]\nreporter = 110000\nurl = https://h/a\ninterval = 1h\n", &errs);
	assert_non_null(cf);
	assert_true(cf->sources->retry_min == 30.0);
	assert_true(cf->sources->retry_max == 3600.0);
	config_free(cf);
	/* a written retry_min longer than the interval stretches the default retry_max */
	cf = load("[source a]\nreporter = 110000\nurl = https://h/a\ninterval = 10s\nretry_min = 1m\n", &errs);
	assert_non_null(cf);
	assert_true(cf->sources->retry_max == 60.0);
	config_free(cf);
	/* a written retry_max shorter than the default retry_min lowers it */
	cf = load("[source a]\nreporter = 110000\nurl = https://h/a\nretry_max = 5s\n", &errs);
	assert_non_null(cf);
	assert_true(cf->sources->retry_min == 5.0);
	config_free(cf);
	assert_int_equal(errs.n, 0);
}

static void test_contradicting_retry_keys_name_both_lines(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	assert_null(load("[source a]\nreporter = 110000\nurl = https://h/a\nretry_min = 2m\n"
	                 "retry_max = 1m\n",
	                 &errs));
	assert_int_equal(errs.n, 1);
	assert_true(any_error_contains(&errs,
	                               ":5: source \"a\": retry_max (60s) is shorter than retry_min (120s, line 4)"));
	config_errors_free(&errs);
	assert_null(load("[source a]\nreporter = 110000\nurl = https://h/a\nretry_min = 10ms\n", &errs));
	assert_true(any_error_contains(&errs, ":4: source \"a\": retry_min must be at least 100ms"));
	config_errors_free(&errs);
}

static void test_file_problems_name_the_line_of_their_key(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	struct config *cf = load("[mestatd]\nlog_level = info\ntls_cert = /nonexistent/server.crt\n", &errs);
	assert_non_null(cf);
	config_check_files(cf, &errs);
	assert_true(any_error_contains(&errs, ":3: tls_cert \"/nonexistent/server.crt\" is not readable"));
	/* a default is said to be one */
	assert_true(any_error_contains(&errs, "tls_key \"" SYSCONFDIR "/mestat/tls/server.key\" (its default"));
	config_free(cf);
	config_errors_free(&errs);
}

static void test_reload_conflict_names_the_line(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	struct config *a = load("[mestatd]\nlisten = 127.0.0.1:1000\n", &errs);
	struct config *b = load("[mestatd]\n\nlisten = 127.0.0.1:2000\ndb_connections = 2\n", &errs);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(config_reload_conflicts(a, b, &errs), 2);
	assert_true(any_error_contains(&errs, ":3: listen cannot change on reload"));
	assert_true(any_error_contains(&errs, ":4: db_connections cannot change on reload"));
	config_free(a);
	config_free(b);
	config_errors_free(&errs);
}

static void test_read_keeps_the_configuration_for_further_checks(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	char path[32];
	const char *text = "[mestatd]\nlisten = nowhere\ntls_key = /nonexistent/k\n";
	int fd = memfile_open(text, strlen(text), path);
	assert_true(fd >= 0);
	struct config *cf = config_read(path, &errs);
	close(fd);
	assert_non_null(cf);
	assert_int_equal(errs.n, 1);
	config_check_files(cf, &errs);
	assert_true(any_error_contains(&errs, ":2: bad value \"nowhere\""));
	assert_true(any_error_contains(&errs, ":3: tls_key \"/nonexistent/k\" is not readable"));
	config_free(cf);
	config_errors_free(&errs);
}

/* Every ";key = value" line of etc/mestatd.conf, uncommented (with the
 * ";[section]" lines), must be a real key whose documented value is the
 * built-in default. */
static void test_sample_configuration_documents_the_defaults(void **state)
{
	(void)state;
	FILE *in = fopen(TEST_SRCDIR "/etc/mestatd.conf", "r");
	assert_non_null(in);
	char line[512], text[16384] = "";
	size_t keys = 0;
	while (fgets(line, sizeof(line), in)) {
		if (line[0] == ';' && strchr(line, '=')) {
			strncat(text, line + 1, sizeof(text) - strlen(text) - 1);
			keys++;
		} else if (line[0] == ';' && line[1] == '[') { /* a commented section, e.g. ;[notify] */
			strncat(text, line + 1, sizeof(text) - strlen(text) - 1);
		} else if (line[0] == '[') {
			strncat(text, line, sizeof(text) - strlen(text) - 1);
		}
	}
	fclose(in);
	assert_true(keys >= 20);
	struct config_errors errs = {0};
	struct config *doc = load(text, &errs);
	for (size_t i = 0; i < errs.n; i++)
		print_message("%s\n", errs.msgs[i]);
	assert_non_null(doc);
	struct config *def = load("", &errs);
	assert_string_equal(doc->listen, def->listen);
	assert_string_equal(doc->metrics_listen, def->metrics_listen);
	assert_string_equal(doc->database, def->database);
	if (strcmp(SYSCONFDIR, "/etc") == 0) { /* the sample shows the packaged paths */
		assert_string_equal(doc->tls_cert, def->tls_cert);
		assert_string_equal(doc->receipt_key, def->receipt_key);
	}
	assert_int_equal(doc->max_body_size, def->max_body_size);
	assert_int_equal(doc->max_connections, def->max_connections);
	assert_true(doc->request_timeout == def->request_timeout);
	assert_true(doc->recompute_interval == def->recompute_interval);
	assert_int_equal(doc->due_days, def->due_days);
	assert_int_equal(doc->max_parallel_pulls, def->max_parallel_pulls);
	config_free(doc);
	config_free(def);
	config_errors_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_file_gives_documented_defaults),
		cmocka_unit_test(test_values_are_read_with_units),
		cmocka_unit_test(test_unknown_key_is_named_with_its_line),
		cmocka_unit_test(test_bad_number_is_named_with_key_and_line),
		cmocka_unit_test(test_every_problem_is_reported_not_only_the_first),
		cmocka_unit_test(test_syntax_error_names_the_line),
		cmocka_unit_test(test_missing_file_is_an_error),
		cmocka_unit_test(test_unreadable_tls_key_is_reported),
		cmocka_unit_test(test_source_sections_are_read_and_checked),
		cmocka_unit_test(test_non_reloadable_key_change_is_refused),
		cmocka_unit_test(test_sample_configuration_documents_the_defaults),
		cmocka_unit_test(test_key_set_twice_names_both_lines),
		cmocka_unit_test(test_same_key_in_two_sources_is_fine),
		cmocka_unit_test(test_empty_unknown_section_is_reported),
		cmocka_unit_test(test_short_interval_alone_is_valid),
		cmocka_unit_test(test_contradicting_retry_keys_name_both_lines),
		cmocka_unit_test(test_file_problems_name_the_line_of_their_key),
		cmocka_unit_test(test_reload_conflict_names_the_line),
		cmocka_unit_test(test_read_keeps_the_configuration_for_further_checks),
		cmocka_unit_test(test_notify_section_is_read_and_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
