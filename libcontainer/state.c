/* SPDX-License-Identifier: Apache-2.0 */
/* The per-container state directory and its state.json (see state.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "state.h"
#include "utils.h"

#define STATE_MAX_SIZE (4 * 1024 * 1024)

int
mrt_validate_id (const char *id, mrt_error_t *err)
{
  if (id == NULL || *id == '\0')
    return mrt_error_make (err, EINVAL, "container id cannot be empty");
  size_t len = strlen (id);
  if (len > MRT_ID_MAX)
    return mrt_error_make (err, EINVAL, "invalid container id: longer than %d characters", MRT_ID_MAX);
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return mrt_error_make (err, EINVAL, "invalid container id `%s`", id);
  for (const char *p = id; *p; p++)
    {
      char c = *p;
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                || c == '+' || c == '-';
      if (!ok)
        return mrt_error_make (err, EINVAL, "invalid container id `%s`: only [A-Za-z0-9_.+-] allowed", id);
    }
  return 0;
}

static void
state_dir_init (struct mrt_state_dir *d)
{
  memset (d, 0, sizeof (*d));
  d->dirfd = -1;
  d->lockfd = -1;
}

void
mrt_state_dir_close (struct mrt_state_dir *d)
{
  if (d->lockfd >= 0)
    close (d->lockfd);
  if (d->dirfd >= 0)
    close (d->dirfd);
  free (d->root);
  free (d->id);
  free (d->path);
  state_dir_init (d);
}

char *
mrt_state_dir_file (const struct mrt_state_dir *d, const char *name)
{
  return xasprintf ("/proc/self/fd/%d/%s", d->dirfd, name);
}

/* "does not exist" without the strerror suffix, but errno ENOENT so that
 * `delete --force` can tell it apart. */
static int
not_exist (mrt_error_t *err, const char *id)
{
  mrt_error_make (err, 0, "container `%s` does not exist", id);
  if (err && *err)
    (*err)->errno_ = ENOENT;
  return -1;
}

/* Once the lock is ours: the container may have been deleted while we
 * waited, its directory is then removed. */
static int
check_not_deleted (struct mrt_state_dir *d, mrt_error_t *err)
{
  struct stat st;
  if (fstat (d->lockfd, &st) < 0)
    return mrt_error_sys (err, "stat lock of `%s`", d->id);
  if (st.st_nlink == 0)
    return not_exist (err, d->id);
  return 0;
}

static int
take_lock (struct mrt_state_dir *d, mrt_error_t *err)
{
  while (flock (d->lockfd, LOCK_EX) < 0)
    if (errno != EINTR)
      return mrt_error_sys (err, "lock container `%s`", d->id);
  return check_not_deleted (d, err);
}

/* The lock is the state directory itself (flock works on a directory fd):
 * no lock file, one inode less per container, which matters on ext4 where
 * making an inode among many recently deleted ones costs ~1 ms. */
static int
open_lock (struct mrt_state_dir *d)
{
  d->lockfd = openat (d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return d->lockfd;
}

int
mrt_state_dir_try_lock (struct mrt_state_dir *d, mrt_error_t *err)
{
  if (d->lockfd < 0 && open_lock (d) < 0)
    return mrt_error_sys (err, "open lock of `%s`", d->id);
  if (flock (d->lockfd, LOCK_EX | LOCK_NB) < 0)
    {
      if (errno == EWOULDBLOCK || errno == EINTR)
        return 0;
      return mrt_error_sys (err, "lock container `%s`", d->id);
    }
  if (check_not_deleted (d, err) < 0)
    return -1;
  return 1;
}

int
mrt_state_dir_create (const char *root, const char *id, struct mrt_state_dir *out, mrt_error_t *err)
{
  state_dir_init (out);
  if (mrt_validate_id (id, err) < 0)
    return -1;
  if (mrt_mkdir_p (root, 0700, err) < 0)
    return mrt_error_prefix (err, "state root");
  out->root = xstrdup (root);
  out->id = xstrdup (id);
  out->path = xasprintf ("%s/%s", root, id);
  if (mkdir (out->path, 0700) < 0)
    {
      int r = errno == EEXIST ? mrt_error_make (err, 0, "container with id `%s` already exists", id)
                              : mrt_error_sys (err, "mkdir `%s`", out->path);
      mrt_state_dir_close (out);
      return r;
    }
  out->dirfd = open (out->path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (out->dirfd < 0)
    goto fail_sys;
  if (open_lock (out) < 0)
    goto fail_sys;
  if (take_lock (out, err) < 0)
    goto fail;
  return 0;

fail_sys:
  mrt_error_sys (err, "create state dir `%s`", out->path);
fail:
  unlinkat (AT_FDCWD, out->path, AT_REMOVEDIR);
  {
    mrt_error_t ignored = NULL;
    if (out->dirfd >= 0)
      mrt_state_dir_remove (out, &ignored);
    mrt_error_free (&ignored);
  }
  mrt_state_dir_close (out);
  return -1;
}

int
mrt_state_dir_open (const char *root, const char *id, bool lock, struct mrt_state_dir *out, mrt_error_t *err)
{
  state_dir_init (out);
  if (mrt_validate_id (id, err) < 0)
    return -1;
  out->root = xstrdup (root);
  out->id = xstrdup (id);
  out->path = xasprintf ("%s/%s", root, id);
  out->dirfd = open (out->path, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (out->dirfd < 0)
    {
      int r = errno == ENOENT ? not_exist (err, id) : mrt_error_sys (err, "open state dir `%s`", out->path);
      mrt_state_dir_close (out);
      return r;
    }
  if (lock)
    {
      if (open_lock (out) < 0)
        {
          int r = mrt_error_sys (err, "open lock of `%s`", id);
          mrt_state_dir_close (out);
          return r;
        }
      if (take_lock (out, err) < 0)
        {
          mrt_state_dir_close (out);
          return -1;
        }
    }
  return 0;
}

int
mrt_state_dir_remove (struct mrt_state_dir *d, mrt_error_t *err)
{
  int fd = openat (d->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return mrt_error_sys (err, "open state dir `%s`", d->path);
  DIR *dir = fdopendir (fd);
  if (dir == NULL)
    {
      close (fd);
      return mrt_error_sys (err, "open state dir `%s`", d->path);
    }
  struct dirent *de;
  while ((de = readdir (dir)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (unlinkat (dirfd (dir), de->d_name, 0) < 0 && errno != ENOENT)
        {
          mrt_error_sys (err, "remove `%s/%s`", d->path, de->d_name);
          closedir (dir);
          return -1;
        }
    }
  closedir (dir);
  if (rmdir (d->path) < 0 && errno != ENOENT)
    return mrt_error_sys (err, "remove state dir `%s`", d->path);
  return 0;
}

/* ---- state.json ---------------------------------------------------------- */

void
mrt_state_record_clear (struct mrt_state_record *r)
{
  free (r->oci_version);
  free (r->id);
  free (r->bundle);
  free (r->rootfs);
  free (r->created_at);
  free (r->cgroup);
  for (size_t i = 0; i < r->n_annotations; i++)
    {
      free (r->annotations[i].key);
      free (r->annotations[i].value);
    }
  free (r->annotations);
  memset (r, 0, sizeof (*r));
}

static void
gen_str (yajl_gen g, const char *key, const char *value)
{
  yajl_gen_string (g, (const unsigned char *)key, strlen (key));
  if (value == NULL)
    yajl_gen_null (g);
  else
    yajl_gen_string (g, (const unsigned char *)value, strlen (value));
}

static void
gen_int (yajl_gen g, const char *key, long long value)
{
  yajl_gen_string (g, (const unsigned char *)key, strlen (key));
  yajl_gen_integer (g, value);
}

static void
gen_annotations (yajl_gen g, const struct mrt_kv *kv, size_t n)
{
  yajl_gen_string (g, (const unsigned char *)"annotations", strlen ("annotations"));
  yajl_gen_map_open (g);
  for (size_t i = 0; i < n; i++)
    gen_str (g, kv[i].key, kv[i].value);
  yajl_gen_map_close (g);
}

static char *
gen_finish (yajl_gen g)
{
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf (g, &buf, &len);
  char *r = xmalloc0 (len + 1);
  memcpy (r, buf, len);
  yajl_gen_free (g);
  return r;
}

char *
mrt_state_record_to_json (const struct mrt_state_record *r)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    abort ();
  yajl_gen_map_open (g);
  gen_str (g, "ociVersion", r->oci_version);
  gen_str (g, "id", r->id);
  gen_str (g, "phase", r->created ? "created" : "creating");
  gen_int (g, "pid", r->pid);
  gen_int (g, "pidStart", (long long)r->pid_start);
  gen_int (g, "creatorPid", r->creator_pid);
  gen_int (g, "creatorStart", (long long)r->creator_start);
  gen_str (g, "bundle", r->bundle);
  gen_str (g, "rootfs", r->rootfs);
  gen_str (g, "created", r->created_at);
  gen_str (g, "cgroup", r->cgroup);
  if (r->seccomp_monitor_pid > 0)
    {
      gen_int (g, "seccompMonitorPid", r->seccomp_monitor_pid);
      gen_int (g, "seccompMonitorStart", (long long)r->seccomp_monitor_start);
    }
  if (r->no_new_keyring)
    {
      yajl_gen_string (g, (const unsigned char *)"noNewKeyring", strlen ("noNewKeyring"));
      yajl_gen_bool (g, 1);
    }
  gen_annotations (g, r->annotations, r->n_annotations);
  yajl_gen_map_close (g);
  return gen_finish (g);
}

static char *
tree_str (yajl_val root, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_string);
  return v ? xstrdup (YAJL_GET_STRING (v)) : NULL;
}

static long long
tree_int (yajl_val root, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (root, path, yajl_t_number);
  return v && YAJL_IS_INTEGER (v) ? YAJL_GET_INTEGER (v) : 0;
}

int
mrt_state_record_from_json (const char *json, struct mrt_state_record *r, mrt_error_t *err)
{
  char errbuf[256] = "";
  memset (r, 0, sizeof (*r));
  yajl_val root = yajl_tree_parse (json, errbuf, sizeof (errbuf));
  if (root == NULL || !YAJL_IS_OBJECT (root))
    {
      yajl_tree_free (root);
      /* yajl's message goes on to quote the text over more lines: an
       * error is one line. */
      errbuf[strcspn (errbuf, "\n")] = '\0';
      return mrt_error_make (err, EINVAL, "state.json: invalid JSON: %s", errbuf[0] ? errbuf : "not an object");
    }
  r->oci_version = tree_str (root, "ociVersion");
  r->id = tree_str (root, "id");
  cleanup_free char *phase = tree_str (root, "phase");
  r->created = phase && strcmp (phase, "created") == 0;
  r->pid = (pid_t)tree_int (root, "pid");
  r->pid_start = (uint64_t)tree_int (root, "pidStart");
  r->creator_pid = (pid_t)tree_int (root, "creatorPid");
  r->creator_start = (uint64_t)tree_int (root, "creatorStart");
  r->bundle = tree_str (root, "bundle");
  r->rootfs = tree_str (root, "rootfs");
  r->created_at = tree_str (root, "created");
  r->cgroup = tree_str (root, "cgroup");
  r->seccomp_monitor_pid = (pid_t)tree_int (root, "seccompMonitorPid");
  r->seccomp_monitor_start = (uint64_t)tree_int (root, "seccompMonitorStart");
  const char *kpath[] = { "noNewKeyring", NULL };
  r->no_new_keyring = yajl_tree_get (root, kpath, yajl_t_true) != NULL;
  const char *apath[] = { "annotations", NULL };
  yajl_val a = yajl_tree_get (root, apath, yajl_t_object);
  if (a && YAJL_GET_OBJECT (a)->len > 0)
    {
      size_t n = YAJL_GET_OBJECT (a)->len;
      r->annotations = xmalloc0 (n * sizeof (*r->annotations));
      for (size_t i = 0; i < n; i++)
        {
          yajl_val v = YAJL_GET_OBJECT (a)->values[i];
          if (!YAJL_IS_STRING (v))
            continue;
          r->annotations[r->n_annotations].key = xstrdup (YAJL_GET_OBJECT (a)->keys[i]);
          r->annotations[r->n_annotations].value = xstrdup (YAJL_GET_STRING (v));
          r->n_annotations++;
        }
    }
  yajl_tree_free (root);
  if (r->id == NULL)
    {
      mrt_state_record_clear (r);
      return mrt_error_make (err, EINVAL, "state.json: no `id`");
    }
  return 0;
}

/* Every writer holds the lock: one fixed name for the next copy is enough. */
#define STATE_SPARE "state.json.tmp"

/* Written to the spare, then exchanged with state.json (readers see the
 * old or the new record, never none); the old record becomes the spare,
 * which the next write truncates and reuses.  Both choices are about ext4
 * (where /run often lives) under containers that come and go:
 *  - a new inode right after many were deleted costs ~1 ms (the allocator
 *    skips every recently deleted one), so create makes 2, not one per write;
 *  - a rename over an existing file (and a truncation to zero) makes ext4
 *    (auto_da_alloc) allocate the new file's blocks at once, and on a
 *    `discard` mount freeing allocated blocks later waits for a synchronous
 *    discard; exchanged (and overwritten, not truncated), the data stays
 *    delayed and a short-lived container's state never reaches the disk. */
int
mrt_state_write (const struct mrt_state_dir *d, const struct mrt_state_record *r, mrt_error_t *err)
{
  cleanup_free char *json = mrt_state_record_to_json (r);
  /* Not O_TRUNC: truncating to zero also makes ext4 allocate the blocks
   * at close (its replace-via-truncate heuristic).  Overwritten from the
   * start, then cut to the new length. */
  size_t len = strlen (json);
  cleanup_close int fd = openat (d->dirfd, STATE_SPARE, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return mrt_error_sys (err, "write state of `%s`: create %s", d->id, STATE_SPARE);
  if (mrt_write_all (fd, json, len) < 0 || ftruncate (fd, (off_t)len) < 0)
    {
      mrt_error_sys (err, "write state of `%s`: write %s", d->id, STATE_SPARE);
      unlinkat (d->dirfd, STATE_SPARE, 0);
      return -1;
    }
  if (renameat2 (d->dirfd, STATE_SPARE, d->dirfd, "state.json", RENAME_EXCHANGE) == 0)
    return 0;
  /* The first write (nothing to exchange with), or a filesystem without
   * exchange. */
  if (renameat (d->dirfd, STATE_SPARE, d->dirfd, "state.json") < 0)
    {
      mrt_error_sys (err, "write state of `%s`: rename %s", d->id, STATE_SPARE);
      unlinkat (d->dirfd, STATE_SPARE, 0);
      return -1;
    }
  return 0;
}

void
mrt_state_write_done (const struct mrt_state_dir *d)
{
  unlinkat (d->dirfd, STATE_SPARE, 0);
}

int
mrt_state_read (const struct mrt_state_dir *d, struct mrt_state_record *r, mrt_error_t *err)
{
  cleanup_free char *json = NULL;
  cleanup_close int fd = openat (d->dirfd, "state.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  memset (r, 0, sizeof (*r));
  if (fd < 0)
    return mrt_error_sys (err, "read state of `%s`", d->id);
  if (mrt_read_fd (fd, STATE_MAX_SIZE, &json, NULL, err) < 0)
    return mrt_error_prefix (err, "read state of `%s`", d->id);
  if (mrt_state_record_from_json (json, r, err) < 0)
    return mrt_error_prefix (err, "container `%s`", d->id);
  return 0;
}

/* ---- liveness ------------------------------------------------------------ */

int
mrt_proc_stat (pid_t pid, uint64_t *start_time, char *state)
{
  char path[64];
  snprintf (path, sizeof (path), "/proc/%d/stat", (int)pid);
  cleanup_free char *buf = NULL;
  mrt_error_t err = NULL;
  if (pid <= 0 || mrt_read_file (path, 65536, &buf, NULL, &err) < 0)
    {
      mrt_error_free (&err);
      return -1;
    }
  /* comm may hold spaces and parentheses: fields restart after the last ')'. */
  char *p = strrchr (buf, ')');
  if (p == NULL)
    return -1;
  p++;
  char st = 0;
  unsigned long long start = 0;
  /* field 3 is the state, field 22 the start time. */
  if (sscanf (p, " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu", &st, &start) != 2)
    return -1;
  if (start_time)
    *start_time = start;
  if (state)
    *state = st;
  return 0;
}

bool
mrt_proc_alive (pid_t pid, uint64_t start_time)
{
  uint64_t start;
  char st;
  if (mrt_proc_stat (pid, &start, &st) < 0)
    return false;
  return start == start_time && st != 'Z' && st != 'X' && st != 'x';
}

enum mrt_status
mrt_state_status (const struct mrt_state_dir *d, const struct mrt_state_record *r)
{
  if (!r->created)
    return mrt_proc_alive (r->creator_pid, r->creator_start) ? MRT_STATUS_CREATING : MRT_STATUS_STOPPED;
  if (!mrt_proc_alive (r->pid, r->pid_start))
    return MRT_STATUS_STOPPED;
  /* exec.sock exists exactly until `start` saw the init execve. */
  struct stat st;
  if (fstatat (d->dirfd, "exec.sock", &st, AT_SYMLINK_NOFOLLOW) == 0)
    return MRT_STATUS_CREATED;
  return MRT_STATUS_RUNNING;
}

/* Not gmtime_r/strftime: glibc's first time conversion reads
 * /etc/localtime even for UTC.  Days since the epoch to a civil date (Howard
 * Hinnant's algorithm, proleptic Gregorian). */
char *
mrt_now_rfc3339 (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return mrt_rfc3339 (&ts);
}

char *
mrt_rfc3339 (const struct timespec *ts)
{
  long long secs = (long long)ts->tv_sec;
  long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  long long rem = secs - days * 86400;
  long long z = days + 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  long long doe = z - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long day = doy - (153 * mp + 2) / 5 + 1;
  long long month = mp < 10 ? mp + 3 : mp - 9;
  long long year = yoe + era * 400 + (month <= 2);
  return xasprintf ("%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09ldZ", year, month, day, rem / 3600, rem % 3600 / 60,
                    rem % 60, (long)ts->tv_nsec);
}

int
mrt_state_to_public (const struct mrt_state_dir *d, const struct mrt_state_record *r, struct mrt_container_state **out)
{
  struct mrt_container_state *s = xmalloc0 (sizeof (*s));
  s->oci_version = xstrdup (r->oci_version ? r->oci_version : "1.2.0");
  s->id = xstrdup (r->id);
  s->status = mrt_state_status (d, r);
  s->pid = s->status == MRT_STATUS_STOPPED ? 0 : (r->created ? r->pid : 0);
  s->bundle = xstrdup (r->bundle ? r->bundle : "");
  s->rootfs = xstrdup (r->rootfs ? r->rootfs : "");
  s->created = xstrdup (r->created_at ? r->created_at : "");
  struct stat st;
  if (fstat (d->dirfd, &st) == 0)
    {
      struct passwd *pw = getpwuid (st.st_uid);
      s->owner = pw ? xstrdup (pw->pw_name) : xasprintf ("%u", (unsigned)st.st_uid);
    }
  else
    s->owner = xstrdup ("");
  if (r->n_annotations)
    {
      s->annotations = xmalloc0 (r->n_annotations * sizeof (*s->annotations));
      for (size_t i = 0; i < r->n_annotations; i++)
        {
          s->annotations[i].key = xstrdup (r->annotations[i].key);
          s->annotations[i].value = xstrdup (r->annotations[i].value);
        }
      s->n_annotations = r->n_annotations;
    }
  *out = s;
  return 0;
}

/* ---- the public state ---------------------------------------------------- */

const char *
mrt_status_name (enum mrt_status s)
{
  static const char *const names[] = { "creating", "created", "running", "paused", "stopped" };
  return (unsigned)s < ARRAY_SIZE (names) ? names[s] : "unknown";
}

void
mrt_container_state_free (struct mrt_container_state *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  free (s->id);
  free (s->bundle);
  free (s->rootfs);
  free (s->created);
  free (s->owner);
  for (size_t i = 0; i < s->n_annotations; i++)
    {
      free (s->annotations[i].key);
      free (s->annotations[i].value);
    }
  free (s->annotations);
  free (s);
}

char *
mrt_container_state_to_json (const struct mrt_container_state *s, bool pretty)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (g == NULL)
    abort ();
  if (pretty)
    {
      yajl_gen_config (g, yajl_gen_beautify, 1);
      yajl_gen_config (g, yajl_gen_indent_string, "  ");
    }
  yajl_gen_map_open (g);
  gen_str (g, "ociVersion", s->oci_version);
  gen_str (g, "id", s->id);
  gen_int (g, "pid", s->pid);
  gen_str (g, "status", mrt_status_name (s->status));
  gen_str (g, "bundle", s->bundle);
  gen_str (g, "rootfs", s->rootfs);
  gen_str (g, "created", s->created);
  gen_str (g, "owner", s->owner ? s->owner : "");
  /* Like runc: omitted when empty. */
  if (s->n_annotations)
    gen_annotations (g, s->annotations, s->n_annotations);
  yajl_gen_map_close (g);
  char *r = gen_finish (g);
  /* yajl's beautifier ends with a newline; the CLI adds its own. */
  size_t len = strlen (r);
  while (len > 0 && r[len - 1] == '\n')
    r[--len] = '\0';
  return r;
}
