/* SPDX-License-Identifier: Apache-2.0 */
/* mounts[].options -> flags, data, propagation, recursive attributes. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mount.h>

#include "mount_options.h"

static void
parse (struct mrt_mount_options *o, const char *type, size_t n, const char *const *opts)
{
  mrt_mount_options_parse (opts, n, type, o);
}

#define PARSE(o, type, ...)                                                                                            \
  do                                                                                                                   \
    {                                                                                                                  \
      const char *const _opts[] = { __VA_ARGS__ };                                                                     \
      parse ((o), (type), sizeof (_opts) / sizeof (_opts[0]), _opts);                                                  \
    }                                                                                                                  \
  while (0)

Test (mount_options, flags_and_data)
{
  cleanup_mount_options struct mrt_mount_options o;
  PARSE (&o, "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
  cr_assert_eq (o.flags, MS_NOSUID | MS_STRICTATIME);
  cr_assert_str_eq (o.data, "mode=755,size=65536k");
  cr_assert_eq (o.propagation, 0);
  cr_assert_not (mrt_mount_options_is_bind (&o));
}

Test (mount_options, clear_words_undo_set_words)
{
  cleanup_mount_options struct mrt_mount_options o;
  PARSE (&o, NULL, "ro", "nosuid", "nodev", "noexec", "rw", "suid", "dev", "exec");
  cr_assert_eq (o.flags, 0);
  cr_assert_eq (o.clear, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
  cr_assert_null (o.data);
}

Test (mount_options, every_flag_word)
{
  cleanup_mount_options struct mrt_mount_options o;
  PARSE (&o, NULL, "sync", "dirsync", "remount", "mand", "noatime", "nodiratime", "relatime", "nosymfollow", "silent",
         "iversion", "lazytime", "acl");
  cr_assert_eq (o.flags, MS_SYNCHRONOUS | MS_DIRSYNC | MS_REMOUNT | MS_MANDLOCK | MS_NOATIME | MS_NODIRATIME
                             | MS_RELATIME | MS_NOSYMFOLLOW | MS_SILENT | MS_I_VERSION | MS_LAZYTIME | MS_POSIXACL);
  cleanup_mount_options struct mrt_mount_options o2;
  PARSE (&o2, NULL, "sync", "async", "mand", "nomand", "noatime", "atime", "nodiratime", "diratime", "relatime",
         "norelatime", "strictatime", "nostrictatime", "nosymfollow", "symfollow", "defaults");
  cr_assert_eq (o2.flags, 0);
  cr_assert_null (o2.data);
}

Test (mount_options, bind_and_rbind)
{
  cleanup_mount_options struct mrt_mount_options a, b, c;
  PARSE (&a, "none", "bind", "ro");
  cr_assert_eq (a.flags, MS_BIND | MS_RDONLY);
  cr_assert (mrt_mount_options_is_bind (&a));
  PARSE (&b, NULL, "rbind");
  cr_assert_eq (b.flags, MS_BIND | MS_REC);
  /* type "bind" alone is a bind mount, as in runc. */
  PARSE (&c, "bind", "nosuid");
  cr_assert_eq (c.flags, MS_BIND | MS_NOSUID);
}

Test (mount_options, propagation_last_wins)
{
  cleanup_mount_options struct mrt_mount_options a, b, c;
  PARSE (&a, NULL, "rbind", "rprivate");
  cr_assert_eq (a.propagation, MS_PRIVATE | MS_REC);
  cr_assert_eq (a.flags, MS_BIND | MS_REC);
  PARSE (&b, NULL, "shared", "slave");
  cr_assert_eq (b.propagation, MS_SLAVE);
  PARSE (&c, NULL, "runbindable");
  cr_assert_eq (c.propagation, MS_UNBINDABLE | MS_REC);
}

Test (mount_options, recursive_attributes)
{
  cleanup_mount_options struct mrt_mount_options o;
  PARSE (&o, NULL, "rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnosymfollow");
  cr_assert_eq (o.attr_set,
                MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW);
  cr_assert_eq (o.attr_clr, 0);
  cr_assert_eq (o.flags, MS_BIND | MS_REC);
  cleanup_mount_options struct mrt_mount_options o2;
  PARSE (&o2, NULL, "rro", "rrw", "rsuid", "rexec", "rdev");
  cr_assert_eq (o2.attr_set, 0);
  cr_assert_eq (o2.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV);
}

Test (mount_options, recursive_atime_is_one_field)
{
  cleanup_mount_options struct mrt_mount_options o;
  PARSE (&o, NULL, "rnoatime", "rstrictatime");
  cr_assert_eq (o.attr_set, MOUNT_ATTR_STRICTATIME);
  cr_assert_eq (o.attr_clr, MOUNT_ATTR__ATIME);
  cleanup_mount_options struct mrt_mount_options o2;
  PARSE (&o2, NULL, "ratime");
  cr_assert_eq (o2.attr_set, 0);
  cr_assert_eq (o2.attr_clr, MOUNT_ATTR__ATIME);
}

Test (mount_options, devpts_data_and_extensions)
{
  cleanup_mount_options struct mrt_mount_options o;
  PARSE (&o, "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", "tmpcopyup", "idmap");
  cr_assert_eq (o.flags, MS_NOSUID | MS_NOEXEC);
  cr_assert_str_eq (o.data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
  cr_assert (o.tmpcopyup);
  cr_assert (o.idmap);
  cr_assert_not (o.idmap_recursive);
}

Test (mount_options, empty_and_none)
{
  cleanup_mount_options struct mrt_mount_options o;
  mrt_mount_options_parse (NULL, 0, NULL, &o);
  cr_assert_eq (o.flags, 0);
  cr_assert_null (o.data);
  const char *const e[] = { "" };
  cleanup_mount_options struct mrt_mount_options o2;
  parse (&o2, "tmpfs", 1, e);
  cr_assert_null (o2.data);
}

Test (mount_options, root_propagation_words)
{
  cr_assert_eq (mrt_propagation_parse (NULL), 0);
  cr_assert_eq (mrt_propagation_parse (""), 0);
  cr_assert_eq (mrt_propagation_parse ("rslave"), MS_SLAVE | MS_REC);
  cr_assert_eq (mrt_propagation_parse ("private"), MS_PRIVATE);
  cr_assert_eq (mrt_propagation_parse ("rshared"), MS_SHARED | MS_REC);
  cr_assert_eq (mrt_propagation_parse ("bogus"), -1);
}
