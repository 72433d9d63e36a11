/* SPDX-License-Identifier: Apache-2.0 */
/* mounts[].options -> mount(2) flags, propagation, mount_setattr bits, data.
 * The tables are runc's (libcontainer/specconv), so a bundle means the same
 * thing to both runtimes. */
#include <string.h>
#include <sys/mount.h>

#include "mount_options.h"
#include "utils.h"

struct flag_word
{
  const char *name;
  bool clear;
  unsigned long flag;
};

static const struct flag_word flag_words[] = {
  { "acl", false, MS_POSIXACL },
  { "async", true, MS_SYNCHRONOUS },
  { "atime", true, MS_NOATIME },
  { "bind", false, MS_BIND },
  { "defaults", false, 0 },
  { "dev", true, MS_NODEV },
  { "diratime", true, MS_NODIRATIME },
  { "dirsync", false, MS_DIRSYNC },
  { "exec", true, MS_NOEXEC },
  { "iversion", false, MS_I_VERSION },
  { "lazytime", false, MS_LAZYTIME },
  { "loud", true, MS_SILENT },
  { "mand", false, MS_MANDLOCK },
  { "noacl", true, MS_POSIXACL },
  { "noatime", false, MS_NOATIME },
  { "nodev", false, MS_NODEV },
  { "nodiratime", false, MS_NODIRATIME },
  { "noexec", false, MS_NOEXEC },
  { "noiversion", true, MS_I_VERSION },
  { "nolazytime", true, MS_LAZYTIME },
  { "nomand", true, MS_MANDLOCK },
  { "norelatime", true, MS_RELATIME },
  { "nostrictatime", true, MS_STRICTATIME },
  { "nosuid", false, MS_NOSUID },
  { "nosymfollow", false, MS_NOSYMFOLLOW },
  { "rbind", false, MS_BIND | MS_REC },
  { "relatime", false, MS_RELATIME },
  { "remount", false, MS_REMOUNT },
  { "ro", false, MS_RDONLY },
  { "rw", true, MS_RDONLY },
  { "silent", false, MS_SILENT },
  { "strictatime", false, MS_STRICTATIME },
  { "suid", true, MS_NOSUID },
  { "sync", false, MS_SYNCHRONOUS },
  { "symfollow", true, MS_NOSYMFOLLOW },
};

struct prop_word
{
  const char *name;
  unsigned long flag;
};

static const struct prop_word prop_words[] = {
  { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
  { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
  { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

struct attr_word
{
  const char *name;
  bool clear;
  uint64_t attr;
};

/* Recursive attributes (runc's recAttrFlags).  The atime words are a
 * three-valued field, so setting one clears the whole MOUNT_ATTR__ATIME. */
static const struct attr_word attr_words[] = {
  { "rro", false, MOUNT_ATTR_RDONLY },
  { "rrw", true, MOUNT_ATTR_RDONLY },
  { "rnosuid", false, MOUNT_ATTR_NOSUID },
  { "rsuid", true, MOUNT_ATTR_NOSUID },
  { "rnodev", false, MOUNT_ATTR_NODEV },
  { "rdev", true, MOUNT_ATTR_NODEV },
  { "rnoexec", false, MOUNT_ATTR_NOEXEC },
  { "rexec", true, MOUNT_ATTR_NOEXEC },
  { "rnodiratime", false, MOUNT_ATTR_NODIRATIME },
  { "rdiratime", true, MOUNT_ATTR_NODIRATIME },
  { "rrelatime", false, MOUNT_ATTR_RELATIME },
  { "rnorelatime", true, MOUNT_ATTR_RELATIME },
  { "rnoatime", false, MOUNT_ATTR_NOATIME },
  { "ratime", true, MOUNT_ATTR_NOATIME },
  { "rstrictatime", false, MOUNT_ATTR_STRICTATIME },
  { "rnostrictatime", true, MOUNT_ATTR_STRICTATIME },
  { "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW },
  { "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW },
};

static bool
apply_flag_word (const char *opt, struct mrt_mount_options *o)
{
  for (size_t i = 0; i < ARRAY_SIZE (flag_words); i++)
    if (strcmp (opt, flag_words[i].name) == 0)
      {
        if (flag_words[i].clear)
          {
            o->flags &= ~flag_words[i].flag;
            o->clear |= flag_words[i].flag;
          }
        else
          {
            o->flags |= flag_words[i].flag;
            o->clear &= ~flag_words[i].flag;
          }
        return true;
      }
  return false;
}

static bool
apply_prop_word (const char *opt, struct mrt_mount_options *o)
{
  for (size_t i = 0; i < ARRAY_SIZE (prop_words); i++)
    if (strcmp (opt, prop_words[i].name) == 0)
      {
        o->propagation = prop_words[i].flag;
        return true;
      }
  return false;
}

static bool
is_atime_attr (uint64_t a)
{
  return a == MOUNT_ATTR_RELATIME || a == MOUNT_ATTR_NOATIME || a == MOUNT_ATTR_STRICTATIME;
}

static bool
apply_attr_word (const char *opt, struct mrt_mount_options *o)
{
  for (size_t i = 0; i < ARRAY_SIZE (attr_words); i++)
    if (strcmp (opt, attr_words[i].name) == 0)
      {
        uint64_t a = attr_words[i].attr;
        if (is_atime_attr (a))
          {
            /* The kernel wants the whole atime field cleared when one of
             * its values is set; clearing one value means "relatime". */
            o->attr_set &= ~MOUNT_ATTR__ATIME;
            o->attr_clr |= MOUNT_ATTR__ATIME;
            if (!attr_words[i].clear)
              o->attr_set |= a;
          }
        else if (attr_words[i].clear)
          {
            o->attr_set &= ~a;
            o->attr_clr |= a;
          }
        else
          {
            o->attr_set |= a;
            o->attr_clr &= ~a;
          }
        return true;
      }
  return false;
}

static void
append_data (struct mrt_mount_options *o, const char *opt)
{
  if (o->data == NULL)
    {
      o->data = xstrdup (opt);
      return;
    }
  char *d = xasprintf ("%s,%s", o->data, opt);
  free (o->data);
  o->data = d;
}

void
mrt_mount_options_parse (const char *const *options, size_t n, const char *type, struct mrt_mount_options *out)
{
  memset (out, 0, sizeof (*out));
  if (type && strcmp (type, "bind") == 0)
    out->flags |= MS_BIND;
  for (size_t i = 0; i < n; i++)
    {
      const char *opt = options[i];
      if (opt == NULL || *opt == '\0')
        continue;
      if (apply_flag_word (opt, out) || apply_prop_word (opt, out) || apply_attr_word (opt, out))
        continue;
      if (strcmp (opt, "tmpcopyup") == 0)
        out->tmpcopyup = true;
      else if (strcmp (opt, "idmap") == 0)
        out->idmap = true;
      else if (strcmp (opt, "ridmap") == 0)
        out->idmap = out->idmap_recursive = true;
      else
        append_data (out, opt);
    }
}

void
mrt_mount_options_free (struct mrt_mount_options *o)
{
  free (o->data);
  o->data = NULL;
}

long
mrt_propagation_parse (const char *value)
{
  if (value == NULL || *value == '\0')
    return 0;
  for (size_t i = 0; i < ARRAY_SIZE (prop_words); i++)
    if (strcmp (value, prop_words[i].name) == 0)
      return (long)prop_words[i].flag;
  return -1;
}
