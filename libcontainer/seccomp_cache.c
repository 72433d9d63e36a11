/* SPDX-License-Identifier: Apache-2.0 */
/* A cache of compiled seccomp filters, as crun keeps one: libseccomp takes
 * ~15 ms of CPU for a Docker-default-sized profile (most of it the binary
 * tree), on every container start.  The finished program (with the -ENOSYS
 * stub) and its seccomp(2) flags are stored under a name derived from a
 * canonical text of everything the program depends on: the parsed profile,
 * the compile options, minirt's and libseccomp's versions, the native
 * architecture and the kernel (flag support is probed).  The file holds
 * that whole text, and a hit must match it byte for byte, so a hash
 * collision is only a miss.
 *
 * The cache is a performance aid, never a source of trust beyond the
 * runtime's own: the directory must be ours and 0700, files are opened
 * O_NOFOLLOW, must be ours, regular, of the exact size the header says,
 * and carry a checksum; anything else is a miss (and the entry is
 * rewritten).  Entries are written to a temporary name and renamed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "seccomp.h"
#include "seccomp_internal.h"
#include "utils.h"

#define CACHE_MAGIC "MRTSCMP1"
#define CACHE_MAX_ENTRIES 64
#define CACHE_KEY_MAX (4 * 1024 * 1024)

struct cache_header
{
  char magic[8];
  uint32_t key_len;
  uint32_t n_insns;
  uint32_t flags;
  uint32_t listener;
  uint64_t checksum; /* FNV-1a 64 of key and program */
};

static uint64_t
fnv1a (uint64_t h, const void *data, size_t len)
{
  const unsigned char *p = data;
  for (size_t i = 0; i < len; i++)
    {
      h ^= p[i];
      h *= 0x100000001b3ULL;
    }
  return h;
}
#define FNV_SEED 0xcbf29ce484222325ULL

static void
put_str (FILE *f, const char *s)
{
  /* Length-prefixed: no name can run into the next field. */
  fprintf (f, "%zu:%s ", s ? strlen (s) : (size_t)0, s ? s : "");
}

static void
put_opt (FILE *f, const mrt_opt_u64 *o)
{
  fprintf (f, "%d:%llu ", o->set ? 1 : 0, (unsigned long long)o->value);
}

static char *
cache_key (const struct mrt_seccomp *p, unsigned int options, size_t *len)
{
  char *buf = NULL;
  FILE *f = open_memstream (&buf, len);
  if (f == NULL)
    abort ();
  const struct scmp_version *v = seccomp_version ();
  struct utsname u;
  if (uname (&u) < 0)
    memset (&u, 0, sizeof (u));
  fprintf (f, "minirt %s libseccomp %u.%u.%u native %u kernel ", MINIRT_VERSION, v ? v->major : 0, v ? v->minor : 0,
           v ? v->micro : 0, seccomp_arch_native ());
  put_str (f, u.release);
  put_str (f, u.version);
  fprintf (f, "options %u\ndefault %d ", options, (int)p->default_action);
  put_opt (f, &p->default_errno_ret);
  fprintf (f, "listener %d\narchs %zu ", p->listener_path && *p->listener_path ? 1 : 0, p->n_architectures);
  for (size_t i = 0; i < p->n_architectures; i++)
    put_str (f, p->architectures[i]);
  fprintf (f, "\nflags %zu ", p->n_flags);
  for (size_t i = 0; i < p->n_flags; i++)
    put_str (f, p->flags[i]);
  fprintf (f, "\nsyscalls %zu\n", p->n_syscalls);
  for (size_t i = 0; i < p->n_syscalls; i++)
    {
      const struct mrt_seccomp_syscall *s = &p->syscalls[i];
      fprintf (f, "%d ", (int)s->action);
      put_opt (f, &s->errno_ret);
      fprintf (f, "names %zu ", s->n_names);
      for (size_t j = 0; j < s->n_names; j++)
        put_str (f, s->names[j]);
      fprintf (f, "args %zu", s->n_args);
      for (size_t k = 0; k < s->n_args; k++)
        fprintf (f, " %u %d %llu %llu", s->args[k].index, (int)s->args[k].op, (unsigned long long)s->args[k].value,
                 (unsigned long long)s->args[k].value_two);
      fputc ('\n', f);
    }
  mrt_memstream_close (f);
  return buf;
}

/* The cache directory, made if missing; -1 when it is not safe to use. */
static int
open_cache_dir (const char *dir, const struct mrt_log *log)
{
  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    {
      mrt_log_debug (log, "seccomp cache: mkdir `%s`: %s", dir, strerror (errno));
      return -1;
    }
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      mrt_log_debug (log, "seccomp cache: open `%s`: %s", dir, strerror (errno));
      return -1;
    }
  struct stat st;
  if (fstat (fd, &st) < 0 || st.st_uid != geteuid () || (st.st_mode & 0077) != 0)
    {
      mrt_log_debug (log, "seccomp cache: `%s` is not ours with mode 0700: not used", dir);
      close (fd);
      return -1;
    }
  return fd;
}

static int
cache_read (int dirfd, const char *name, const char *key, size_t key_len, struct mrt_seccomp_filter **out)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid ()
      || (size_t)st.st_size < sizeof (struct cache_header)
      || (size_t)st.st_size > sizeof (struct cache_header) + key_len + BPF_MAXINSNS * sizeof (struct sock_filter))
    return -1;
  size_t size = (size_t)st.st_size;
  cleanup_free char *buf = xmalloc0 (size);
  size_t got = 0;
  while (got < size)
    {
      ssize_t n = read (fd, buf + got, size - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      got += (size_t)n;
    }
  struct cache_header h;
  memcpy (&h, buf, sizeof (h));
  if (memcmp (h.magic, CACHE_MAGIC, sizeof (h.magic)) != 0 || h.key_len != key_len || h.n_insns == 0
      || h.n_insns > BPF_MAXINSNS || size != sizeof (h) + key_len + (size_t)h.n_insns * sizeof (struct sock_filter))
    return -1;
  const char *body = buf + sizeof (h);
  if (memcmp (body, key, key_len) != 0)
    return -1;
  size_t prog_len = (size_t)h.n_insns * sizeof (struct sock_filter);
  if (fnv1a (FNV_SEED, body, key_len + prog_len) != h.checksum)
    return -1;
  struct mrt_seccomp_filter *f = xmalloc0 (sizeof (*f));
  f->insns = xmalloc0 (prog_len);
  memcpy (f->insns, body + key_len, prog_len);
  f->n_insns = h.n_insns;
  f->flags = h.flags;
  f->listener = h.listener != 0;
  *out = f;
  return 0;
}

/* Too many entries (profiles come and go): start over rather than grow. */
static void
cache_trim (int dirfd)
{
  int fd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return;
  DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return;
    }
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir (d)))
    if (strncmp (de->d_name, "seccomp-", 8) == 0)
      n++;
  if (n >= CACHE_MAX_ENTRIES)
    {
      rewinddir (d);
      while ((de = readdir (d)))
        if (strncmp (de->d_name, "seccomp-", 8) == 0)
          unlinkat (dirfd, de->d_name, 0);
    }
  closedir (d);
}

static void
cache_write (int dirfd, const char *name, const char *key, size_t key_len, const struct mrt_seccomp_filter *f,
             const struct mrt_log *log)
{
  size_t prog_len = f->n_insns * sizeof (struct sock_filter);
  struct cache_header h = {
    .key_len = (uint32_t)key_len,
    .n_insns = (uint32_t)f->n_insns,
    .flags = f->flags,
    .listener = f->listener,
  };
  memcpy (h.magic, CACHE_MAGIC, sizeof (h.magic));
  h.checksum = fnv1a (fnv1a (FNV_SEED, key, key_len), f->insns, prog_len);

  cache_trim (dirfd);
  char tmp[128];
  snprintf (tmp, sizeof (tmp), ".%s.%d.tmp", name, (int)getpid ());
  cleanup_close int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      mrt_log_debug (log, "seccomp cache: create %s: %s", tmp, strerror (errno));
      return;
    }
  if (mrt_write_all (fd, &h, sizeof (h)) < 0 || mrt_write_all (fd, key, key_len) < 0
      || mrt_write_all (fd, f->insns, prog_len) < 0 || renameat (dirfd, tmp, dirfd, name) < 0)
    {
      mrt_log_debug (log, "seccomp cache: write %s: %s", name, strerror (errno));
      unlinkat (dirfd, tmp, 0);
    }
}

int
mrt_seccomp_compile_cached (const struct mrt_seccomp *p, const struct mrt_log *log, unsigned int options,
                            const char *cache_dir, struct mrt_seccomp_filter **out, mrt_error_t *err)
{
  if (cache_dir == NULL || *cache_dir == '\0')
    return mrt_seccomp_compile_ex (p, log, options, out, err);
  size_t key_len = 0;
  cleanup_free char *key = cache_key (p, options, &key_len);
  cleanup_close int dirfd = key_len <= CACHE_KEY_MAX ? open_cache_dir (cache_dir, log) : -1;
  if (dirfd < 0)
    return mrt_seccomp_compile_ex (p, log, options, out, err);
  char name[64];
  snprintf (name, sizeof (name), "seccomp-%016llx", (unsigned long long)fnv1a (FNV_SEED, key, key_len));
  if (cache_read (dirfd, name, key, key_len, out) == 0)
    return 0;
  if (mrt_seccomp_compile_ex (p, log, options, out, err) < 0)
    return -1;
  cache_write (dirfd, name, key, key_len, *out, log);
  return 0;
}
