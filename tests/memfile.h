/* memfile.h - bytes as a file that has a path, for the tests and fuzz
 * targets that must hand the configuration reader a file name. The file is
 * anonymous memory (memfd_create): nothing is written to disk and nothing is
 * left behind. */
#ifndef MESTAT_TEST_MEMFILE_H
#define MESTAT_TEST_MEMFILE_H

#include <stdio.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

/* memfile_open: a file holding the N bytes at DATA, its path written to PATH
 * (/proc/self/fd/FD). Returns the descriptor (close it when done), or -1. */
static int memfile_open(const void *data, size_t n, char path[32])
{
	int fd = memfd_create("mestat-test", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, data, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	snprintf(path, 32, "/proc/self/fd/%d", fd);
	return fd;
}

#endif
