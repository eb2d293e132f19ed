// epoll, eventfd and accept4, which Swift's Glibc module does not export (accept4 needs _GNU_SOURCE).
// Linux only; empty elsewhere.
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
#endif
