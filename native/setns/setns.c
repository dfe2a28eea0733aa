/*
 * Minimal N-API bindings for the namespace and mount syscalls that Node does not expose.
 * Each function is synchronous and acts on the calling thread only (setns/unshare are per-task),
 * which is why callers must never await while switched into another namespace.
 * Errors are thrown as Error objects with `code` set to the errno name (via libuv's table, which
 * Node already links, so we need no errno table of our own).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <unistd.h>
#include <node_api.h>
#include <uv.h>

#define PATH_BUF 4096

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, uv_err_name(-err), msg);
  return NULL;
}

/* Reads argument i as an int32; throws a TypeError and returns 0 on failure. */
static int arg_int(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected an integer argument");
    return 0;
  }
  return 1;
}

static int arg_path(napi_env env, napi_value v, char *buf) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, buf, PATH_BUF, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string argument");
    return 0;
  }
  if (len >= PATH_BUF - 1) {
    napi_throw_range_error(env, NULL, "path too long");
    return 0;
  }
  return 1;
}

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < want) {
    napi_throw_type_error(env, NULL, "not enough arguments");
    return 0;
  }
  return 1;
}

static napi_value js_setns(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd, nstype;
  if (!get_args(env, info, 2, argv) || !arg_int(env, argv[0], &fd) || !arg_int(env, argv[1], &nstype)) return NULL;
  if (setns(fd, nstype) != 0) return throw_errno(env, "setns", errno);
  return NULL;
}

static napi_value js_unshare(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t flags;
  if (!get_args(env, info, 1, argv) || !arg_int(env, argv[0], &flags)) return NULL;
  if (unshare(flags) != 0) return throw_errno(env, "unshare", errno);
  return NULL;
}

static napi_value js_gettid(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out;
  napi_create_int32(env, (int32_t)syscall(SYS_gettid), &out);
  return out;
}

static napi_value js_mount_bind(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  char source[PATH_BUF], target[PATH_BUF];
  if (!get_args(env, info, 2, argv) || !arg_path(env, argv[0], source) || !arg_path(env, argv[1], target)) return NULL;
  if (mount(source, target, NULL, MS_BIND, NULL) != 0) return throw_errno(env, "mount", errno);
  return NULL;
}

static napi_value js_umount_detach(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  char target[PATH_BUF];
  if (!get_args(env, info, 1, argv) || !arg_path(env, argv[0], target)) return NULL;
  if (umount2(target, MNT_DETACH) != 0) return throw_errno(env, "umount", errno);
  return NULL;
}

/* The pid, uid and gid the kernel recorded for the peer of a connected unix socket. */
static napi_value js_peer_credentials(napi_env env, napi_callback_info info) {
  napi_value argv[1], out, v;
  int32_t fd;
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (!get_args(env, info, 1, argv) || !arg_int(env, argv[0], &fd)) return NULL;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return throw_errno(env, "getsockopt(SO_PEERCRED)", errno);
  napi_create_object(env, &out);
  napi_create_int32(env, (int32_t)cred.pid, &v);
  napi_set_named_property(env, out, "pid", v);
  napi_create_uint32(env, (uint32_t)cred.uid, &v);
  napi_set_named_property(env, out, "uid", v);
  napi_create_uint32(env, (uint32_t)cred.gid, &v);
  napi_set_named_property(env, out, "gid", v);
  return out;
}

/*
 * Deleting a link waits in the kernel for an RCU grace period (10-30 ms for a veth pair), inside
 * the netlink request itself. Done on a libuv worker thread, the caller goes on meanwhile (a
 * disconnect writes its log entry and hosts files) and awaits the outcome before it commits.
 * The socket is opened by the calling thread, so the link is looked up in the namespace that
 * thread is in when it asks, not in whatever namespace a worker thread happens to be in.
 */
struct delete_link {
  napi_async_work work;
  napi_deferred deferred;
  int fd;
  char name[IFNAMSIZ];
  int err; /* 0, or the errno the kernel answered */
};

static void delete_link_execute(napi_env env, void *data) {
  (void)env;
  struct delete_link *d = data;
  struct {
    struct nlmsghdr nh;
    struct ifinfomsg ifi;
    char attrs[RTA_SPACE(IFNAMSIZ)];
  } req;
  memset(&req, 0, sizeof req);
  struct rtattr *name = (struct rtattr *)req.attrs;
  name->rta_type = IFLA_IFNAME;
  name->rta_len = RTA_LENGTH(strlen(d->name) + 1);
  memcpy(RTA_DATA(name), d->name, strlen(d->name) + 1);
  req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.ifi) + RTA_ALIGN(name->rta_len);
  req.nh.nlmsg_type = RTM_DELLINK;
  req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  req.nh.nlmsg_seq = 1;
  req.ifi.ifi_family = AF_UNSPEC;
  if (send(d->fd, &req, req.nh.nlmsg_len, 0) < 0) {
    d->err = errno;
    return;
  }
  char buf[4096];
  ssize_t n;
  while ((n = recv(d->fd, buf, sizeof buf, 0)) < 0 && errno == EINTR) continue;
  if (n < 0) {
    d->err = errno;
    return;
  }
  struct nlmsghdr *nh = (struct nlmsghdr *)buf;
  if (!NLMSG_OK(nh, (size_t)n) || nh->nlmsg_type != NLMSG_ERROR) {
    d->err = EPROTO;
    return;
  }
  d->err = -((struct nlmsgerr *)NLMSG_DATA(nh))->error;
}

static void delete_link_complete(napi_env env, napi_status status, void *data) {
  struct delete_link *d = data;
  napi_value result;
  close(d->fd);
  if (status != napi_ok) d->err = ECANCELED;
  if (d->err == 0 || d->err == ENODEV) {
    napi_get_boolean(env, d->err == 0, &result);
    napi_resolve_deferred(env, d->deferred, result);
  } else {
    napi_value code, msg;
    char text[256];
    snprintf(text, sizeof text, "delete link %s: %s", d->name, strerror(d->err));
    napi_create_string_utf8(env, uv_err_name(-d->err), NAPI_AUTO_LENGTH, &code);
    napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
    napi_create_error(env, code, msg, &result);
    napi_reject_deferred(env, d->deferred, result);
  }
  napi_delete_async_work(env, d->work);
  free(d);
}

/* deleteLinkInBackground(name): a promise of true (deleted) or false (there was no such link). */
static napi_value js_delete_link_in_background(napi_env env, napi_callback_info info) {
  napi_value argv[1], promise, resource;
  char name[PATH_BUF];
  if (!get_args(env, info, 1, argv) || !arg_path(env, argv[0], name)) return NULL;
  if (strlen(name) >= IFNAMSIZ) {
    napi_throw_range_error(env, NULL, "interface name too long");
    return NULL;
  }
  struct delete_link *d = calloc(1, sizeof *d);
  if (!d) return throw_errno(env, "deleteLinkInBackground", ENOMEM);
  d->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (d->fd < 0) {
    int err = errno;
    free(d);
    return throw_errno(env, "socket(AF_NETLINK)", err);
  }
  strcpy(d->name, name);
  napi_create_promise(env, &d->deferred, &promise);
  napi_create_string_utf8(env, "patchbay:deleteLink", NAPI_AUTO_LENGTH, &resource);
  napi_create_async_work(env, NULL, resource, delete_link_execute, delete_link_complete, d, &d->work);
  napi_queue_async_work(env, d->work);
  return promise;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value clone_newnet;
  napi_create_int32(env, CLONE_NEWNET, &clone_newnet);
  napi_property_descriptor props[] = {
    {"setns", NULL, js_setns, NULL, NULL, NULL, napi_enumerable, NULL},
    {"unshare", NULL, js_unshare, NULL, NULL, NULL, napi_enumerable, NULL},
    {"gettid", NULL, js_gettid, NULL, NULL, NULL, napi_enumerable, NULL},
    {"mountBind", NULL, js_mount_bind, NULL, NULL, NULL, napi_enumerable, NULL},
    {"umountDetach", NULL, js_umount_detach, NULL, NULL, NULL, napi_enumerable, NULL},
    {"peerCredentials", NULL, js_peer_credentials, NULL, NULL, NULL, napi_enumerable, NULL},
    {"deleteLinkInBackground", NULL, js_delete_link_in_background, NULL, NULL, NULL, napi_enumerable, NULL},
    {"CLONE_NEWNET", NULL, NULL, NULL, NULL, clone_newnet, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
