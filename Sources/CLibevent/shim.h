/*
 * System headers first: libevent's event-config.h defines _GNU_SOURCE, and glibc headers first read after it would
 * declare fd_set and friends differently from Swift's Glibc module, which EventIO imports too (a module conflict).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <sys/time.h>
#include <fcntl.h>
#include <time.h>

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>

/*
 * Linux extensions EventIO needs. glibc declares these only under _GNU_SOURCE, and Swift's Glibc module is built
 * without it; defining it here would change shared struct layouts (fd_set) and break the module. So declare the
 * very same glibc symbols under anchord_ names: the asm labels bind each name to the real glibc function.
 */

/* struct mmsghdr from <sys/socket.h> (_GNU_SOURCE), field for field. */
struct anchord_mmsghdr {
    struct msghdr msg_hdr;   /* one datagram: name, iovecs, control, flags */
    unsigned int msg_len;    /* bytes received or sent for this datagram */
};

/* recvmmsg(2): receive up to `count` datagrams in one system call. */
int anchord_recvmmsg(int fd, struct anchord_mmsghdr *vector, unsigned int count, int flags,
                     struct timespec *timeout) __asm__("recvmmsg");

/* sendmmsg(2): send up to `count` datagrams in one system call. */
int anchord_sendmmsg(int fd, struct anchord_mmsghdr *vector, unsigned int count, int flags) __asm__("sendmmsg");

/* accept4(2): accept with SOCK_NONBLOCK | SOCK_CLOEXEC set atomically. */
int anchord_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) __asm__("accept4");

/* eventfd(2): a counter file descriptor, used to wake an event loop from another thread. */
int anchord_eventfd(unsigned int initial, int flags) __asm__("eventfd");

/* A non-blocking, close-on-exec eventfd (EFD_NONBLOCK and EFD_CLOEXEC are O_NONBLOCK and O_CLOEXEC on Linux). */
static inline int anchord_eventfd_nonblocking(void) {
    return anchord_eventfd(0, O_NONBLOCK | O_CLOEXEC);
}
