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
#include <sys/syscall.h>
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
    {"CLONE_NEWNET", NULL, NULL, NULL, NULL, clone_newnet, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
