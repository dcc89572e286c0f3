/* log.h - one line per event on stderr: level=... msg="..." key=value ... */
#ifndef MESTAT_LOG_H
#define MESTAT_LOG_H

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* log_set_level: events above LEVEL are dropped. */
void log_set_level(enum log_level level);

/* log_level_parse: "error", "warn", "info", "debug" -> LEVEL; -1 if unknown. */
int log_level_parse(const char *name);

/* log_set_timestamps: prefix lines with an ISO 8601 time (off under journald). */
void log_set_timestamps(int on);

/* log_event: MSG is a plain sentence; FIELDS, printf-style, adds key=value
 * pairs, each preceded by a space: "source=%s error=\"%s\"". Each value is
 * escaped for logfmt where it stands (inside the format's quotes: \" \\ \n
 * \t...; bare: quoted as well when it holds a space, '=' or '"'), so any text
 * may be passed. Use the macros below: they take the message, then
 * optionally a literal field format and its arguments. */
void log_event(enum log_level level, const char *msg, const char *fields, ...) __attribute__((format(printf, 3, 4)));

#define log_error(msg, ...) log_event(LOG_LVL_ERROR, msg, " " __VA_ARGS__)
#define log_warn(msg, ...)  log_event(LOG_LVL_WARN, msg, " " __VA_ARGS__)
#define log_info(msg, ...)  log_event(LOG_LVL_INFO, msg, " " __VA_ARGS__)
#define log_debug(msg, ...) log_event(LOG_LVL_DEBUG, msg, " " __VA_ARGS__)

#endif
