/*
 * patchbay's command-line entry point: bin/patchbay links to its build, dist/patchbay.
 *
 * When a `patchbay daemon` serves the root the command names, the command is handed to it over
 * <root>/daemon.sock and its output and exit code are relayed: no Node start-up per command.
 * Otherwise, or whenever the daemon declines (another build, namespace, uid or root, or a
 * command only the full CLI has), the Node CLI (bin/patchbay.cjs) runs the command itself,
 * exactly as if no daemon existed. The wire format is described in src/daemon/protocol.ts.
 *
 * Finding the root here is only a hint for finding the socket: the daemon parses the command
 * line itself and declines a command that names another root.
 *
 * Whoever answers on the socket receives the command line, cwd and environment and decides
 * what the command prints and returns, so the client talks only to a daemon of its own uid or
 * root's (trusted_daemon); anyone else's socket is refused with a warning and the Node CLI runs
 * the command.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef PATCHBAY_BUILD_ID
#error "build with scripts/bundle.mjs, which passes -DPATCHBAY_BUILD_ID"
#endif

#define MAGIC "patchbay/1"
#define DEFAULT_ROOT "/var/lib/patchbay"

enum { REPLY_STDOUT = 'O', REPLY_STDERR = 'E', REPLY_EXIT = 'X', REPLY_FALLBACK = 'F', REPLY_ACCEPTED = 'A' };

/* The environment the commands read: the root, who ran sudo, and the tests' crash hook. */
static const char *const FORWARDED_ENV[] = {"PATCHBAY_ROOT", "SUDO_USER", "PATCHBAY_TEST_CRASH_AT", NULL};

/* Runs the command with the Node CLI of the same package; does not return. */
static void run_node(char **argv) {
  char exe[PATH_MAX], script[PATH_MAX + 32];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) {
    perror("patchbay: cannot find its own package (readlink /proc/self/exe)");
    exit(127);
  }
  exe[n] = '\0';
  /* exe is <package>/dist/patchbay */
  for (int up = 0; up < 2; up++) {
    char *slash = strrchr(exe, '/');
    if (slash) *slash = '\0';
  }
  snprintf(script, sizeof script, "%s/bin/patchbay.cjs", exe);
  int argc = 0;
  while (argv[argc]) argc++;
  char **args = calloc((size_t)argc + 2, sizeof *args);
  if (!args) exit(127);
  args[0] = "node";
  args[1] = script;
  for (int i = 1; i < argc; i++) args[i + 1] = argv[i];
  execvp("node", args);
  fprintf(stderr, "patchbay: cannot run node: %s\n", strerror(errno));
  exit(127);
}

/* The root the command names: --root VALUE or --root=VALUE, else $PATCHBAY_ROOT, else the default. */
static const char *root_of(char **argv) {
  for (int i = 1; argv[i]; i++) {
    if (strcmp(argv[i], "--") == 0) break;
    if (strcmp(argv[i], "--root") == 0 && argv[i + 1]) return argv[i + 1];
    if (strncmp(argv[i], "--root=", 7) == 0) return argv[i] + 7;
  }
  const char *env = getenv("PATCHBAY_ROOT");
  return env && *env ? env : DEFAULT_ROOT;
}

struct buf {
  char *data;
  size_t len, cap;
};

static int append(struct buf *b, const char *s) {
  size_t n = strlen(s) + 1; /* with its NUL: fields are NUL-terminated */
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->len + n) cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) return 0;
    b->data = data;
    b->cap = cap;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  return 1;
}

/* The request: u32 length, then MAGIC, build id, cwd, N, N x NAME=VALUE, argv[1..]. */
static int build_request(struct buf *b, char **argv) {
  char cwd[PATH_MAX], count[16], *env[8];
  int n = 0;
  if (!getcwd(cwd, sizeof cwd)) return 0;
  for (int i = 0; FORWARDED_ENV[i]; i++) {
    const char *v = getenv(FORWARDED_ENV[i]);
    if (!v) continue;
    if (asprintf(&env[n], "%s=%s", FORWARDED_ENV[i], v) < 0) return 0;
    n++;
  }
  snprintf(count, sizeof count, "%d", n);
  b->cap = 4096;
  b->len = 4; /* the length, filled in last */
  if (!(b->data = malloc(b->cap))) return 0;
  int ok = append(b, MAGIC) && append(b, PATCHBAY_BUILD_ID) && append(b, cwd) && append(b, count);
  for (int i = 0; i < n; i++) ok = ok && append(b, env[i]);
  for (int i = 1; argv[i]; i++) ok = ok && append(b, argv[i]);
  if (!ok) return 0;
  uint32_t len = (uint32_t)(b->len - 4);
  for (int i = 0; i < 4; i++) b->data[i] = (char)((len >> (8 * i)) & 0xff); /* little-endian */
  return 1;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return 0;
    p += w;
    n -= (size_t)w;
  }
  return 1;
}

/* Reads exactly n bytes: 1, or 0 at end of stream or on an error. */
static int read_all(int fd, char *p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    p += r;
    n -= (size_t)r;
  }
  return 1;
}

/*
 * Whether fd, connected to path, reaches a daemon of the client's uid or root's; nothing has
 * been sent yet. If not, says why on stderr. The file is checked without following links (a
 * link may lead to anyone's socket), then the listener itself: its uid is the kernel's, taken
 * when it called listen(), so a file swapped between connect() and lstat() cannot pass for root's.
 */
static int trusted_daemon(int fd, const char *path) {
  struct stat st;
  struct ucred peer;
  socklen_t size = sizeof peer;
  unsigned me = getuid();
  char why[128];
  if (lstat(path, &st) != 0) return 0; /* removed since connect(): a daemon stopping */
  if (!S_ISSOCK(st.st_mode))
    snprintf(why, sizeof why, "it is %s", S_ISLNK(st.st_mode) ? "a symbolic link, not a socket" : "not a socket");
  else if (st.st_uid != me && st.st_uid != 0)
    snprintf(why, sizeof why, "it is owned by uid %u, not by root or you (uid %u)", (unsigned)st.st_uid, me);
  else if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0)
    snprintf(why, sizeof why, "cannot tell who serves it: %s", strerror(errno));
  else if (peer.uid != me && peer.uid != 0)
    snprintf(why, sizeof why, "it is served by uid %u, not by root or you (uid %u)", (unsigned)peer.uid, me);
  else
    return 1;
  fprintf(stderr, "patchbay: not using %s: %s\n", path, why);
  return 0;
}

int main(int argc, char **argv) {
  (void)argc;
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  int len = snprintf(addr.sun_path, sizeof addr.sun_path, "%s/daemon.sock", root_of(argv));
  if (len < 0 || (size_t)len >= sizeof addr.sun_path) run_node(argv);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || !trusted_daemon(fd, addr.sun_path)) run_node(argv);
  struct buf req = {0};
  if (!build_request(&req, argv) || !write_all(fd, req.data, req.len)) run_node(argv);

  int accepted = 0;
  for (;;) {
    unsigned char head[5];
    if (!read_all(fd, (char *)head, sizeof head)) {
      /* Before 'A' the daemon had done nothing (it was stopping, say): run the command here. */
      if (!accepted) run_node(argv);
      fputs("Error: the patchbay daemon stopped before the command finished (see patchbay events; patchbay restore repairs a half-made change)\n", stderr);
      return 1;
    }
    uint32_t n = (uint32_t)head[1] | (uint32_t)head[2] << 8 | (uint32_t)head[3] << 16 | (uint32_t)head[4] << 24;
    char *data = malloc((size_t)n + 1);
    if (!data || !read_all(fd, data, n)) {
      if (!accepted) run_node(argv);
      fputs("Error: lost the connection to the patchbay daemon before the command finished\n", stderr);
      return 1;
    }
    data[n] = '\0';
    switch (head[0]) {
      case REPLY_FALLBACK:
        if (!accepted) run_node(argv);
        break;
      case REPLY_ACCEPTED:
        accepted = 1;
        break;
      case REPLY_STDOUT:
        write_all(STDOUT_FILENO, data, n);
        break;
      case REPLY_STDERR:
        write_all(STDERR_FILENO, data, n);
        break;
      case REPLY_EXIT:
        return atoi(data);
    }
    free(data);
  }
}
