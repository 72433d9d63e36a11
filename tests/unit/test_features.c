/* SPDX-License-Identifier: Apache-2.0 */
/* `minirt features` must be true: every mount option it lists is one the
 * mount code understands, every seccomp action/arch/flag it lists compiles
 * into a filter, every capability is known to the kernel. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "minirt/features.h"
#include "minirt/spec.h"
#include "mount_options.h"
#include "seccomp.h"
#include "utils.h"

static yajl_val
features (void)
{
  cleanup_free char *json = mrt_features_json ();
  cr_assert_not_null (json);
  char errbuf[256];
  yajl_val root = yajl_tree_parse (json, errbuf, sizeof (errbuf));
  cr_assert_not_null (root, "features is not JSON: %s", errbuf);
  return root;
}

static yajl_val
get (yajl_val root, const char *a, const char *b, const char *c)
{
  const char *path[] = { a, b, c, NULL };
  return yajl_tree_get (root, path, yajl_t_any);
}

Test (features, has_every_key_of_the_spec)
{
  yajl_val f = features ();
  cr_assert (YAJL_IS_STRING (get (f, "ociVersionMin", NULL, NULL)));
  cr_assert_str_eq (YAJL_GET_STRING (get (f, "ociVersionMax", NULL, NULL)), "1.2.0");
  cr_assert_eq (YAJL_GET_ARRAY (get (f, "hooks", NULL, NULL))->len, 6);
  cr_assert (YAJL_IS_ARRAY (get (f, "mountOptions", NULL, NULL)));
  cr_assert (YAJL_IS_ARRAY (get (f, "linux", "namespaces", NULL)));
  cr_assert (YAJL_IS_ARRAY (get (f, "linux", "capabilities", NULL)));
  static const char *const cg[] = { "v1", "v2", "systemd", "systemdUser" };
  for (size_t i = 0; i < 4; i++)
    cr_assert_not_null (get (f, "linux", "cgroup", cg[i]), "linux.cgroup.%s", cg[i]);
  static const char *const sc[] = { "enabled", "actions", "operators", "archs", "knownFlags", "supportedFlags" };
  for (size_t i = 0; i < 6; i++)
    cr_assert_not_null (get (f, "linux", "seccomp", sc[i]), "linux.seccomp.%s", sc[i]);
  cr_assert (YAJL_IS_OBJECT (get (f, "annotations", NULL, NULL)));
  yajl_tree_free (f);
}

Test (features, mount_options_are_understood_by_the_mount_code)
{
  for (const char *const *o = mrt_features_mount_options; *o; o++)
    {
      struct mrt_mount_options mo;
      const char *opts[] = { *o };
      mrt_mount_options_parse (opts, 1, "bind", &mo);
      /* an unknown word would have become filesystem data */
      cr_assert_null (mo.data, "mount option \"%s\" is not understood", *o);
      mrt_mount_options_free (&mo);
    }
}

static void
compile_profile (const char *json, const char *what)
{
  struct mrt_seccomp *profile = NULL;
  struct mrt_seccomp_filter *filter = NULL;
  mrt_error_t err = NULL;
  struct mrt_log log = { .fd = -1 };
  cr_assert_eq (mrt_seccomp_parse (json, strlen (json), "profile", &profile, &err), 0, "%s: %s", what,
                err ? err->msg : "");
  cr_assert_eq (mrt_seccomp_compile (profile, &log, &filter, &err), 0, "%s: %s", what, err ? err->msg : "");
  mrt_seccomp_filter_free (filter);
  mrt_seccomp_free (profile);
}

Test (features, every_seccomp_action_arch_and_flag_listed_compiles)
{
  yajl_val f = features ();
  yajl_val actions = get (f, "linux", "seccomp", "actions");
  for (size_t i = 0; i < YAJL_GET_ARRAY (actions)->len; i++)
    {
      const char *a = YAJL_GET_STRING (YAJL_GET_ARRAY (actions)->values[i]);
      cleanup_free char *json = xasprintf ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/nonexistent\","
                                           "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"%s\"}]}",
                                           a);
      compile_profile (json, a);
    }
  yajl_val archs = get (f, "linux", "seccomp", "archs");
  cr_assert_gt (YAJL_GET_ARRAY (archs)->len, 0);
  for (size_t i = 0; i < YAJL_GET_ARRAY (archs)->len; i++)
    {
      const char *a = YAJL_GET_STRING (YAJL_GET_ARRAY (archs)->values[i]);
      cleanup_free char *json = xasprintf ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"%s\"],"
                                           "\"syscalls\":[{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                                           a);
      compile_profile (json, a);
    }
  yajl_val flags = get (f, "linux", "seccomp", "supportedFlags");
  for (size_t i = 0; i < YAJL_GET_ARRAY (flags)->len; i++)
    {
      const char *a = YAJL_GET_STRING (YAJL_GET_ARRAY (flags)->values[i]);
      cleanup_free char *json = xasprintf ("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"%s\"],"
                                           "\"listenerPath\":\"/nonexistent\",\"syscalls\":[{\"names\":"
                                           "[\"getppid\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                                           a);
      compile_profile (json, a);
    }
  yajl_tree_free (f);
}

Test (features, capabilities_are_the_kernels)
{
  yajl_val f = features ();
  yajl_val caps = get (f, "linux", "capabilities", NULL);
  FILE *fp = fopen ("/proc/sys/kernel/cap_last_cap", "re");
  cr_assert_not_null (fp);
  int last = -1;
  cr_assert_eq (fscanf (fp, "%d", &last), 1);
  fclose (fp);
  cr_assert_eq (YAJL_GET_ARRAY (caps)->len, (size_t)last + 1);
  cr_assert_str_eq (YAJL_GET_STRING (YAJL_GET_ARRAY (caps)->values[0]), "CAP_CHOWN");
  yajl_tree_free (f);
}
