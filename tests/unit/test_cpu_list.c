/* SPDX-License-Identifier: Apache-2.0 */
/* CPU lists of process.execCPUAffinity, and container path comparison. */
#include <criterion/criterion.h>

#include "rootfs.h"
#include "rootfs_internal.h"

Test (cpu_list, ranges_and_singles)
{
  cpu_set_t set;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_cpu_list_parse ("0-2,5,7-7", &set, &err), 0);
  cr_assert_eq (CPU_COUNT (&set), 5);
  cr_assert (CPU_ISSET (0, &set) && CPU_ISSET (2, &set) && CPU_ISSET (5, &set) && CPU_ISSET (7, &set));
  cr_assert_not (CPU_ISSET (3, &set));
}

Test (cpu_list, bad_lists)
{
  const char *bad[] = { "a", "1-", "3-1", "1,,2", "1 2", "-1", "99999" };
  for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
    {
      cpu_set_t set;
      mrt_error_t err = NULL;
      cr_assert_lt (mrt_cpu_list_parse (bad[i], &set, &err), 0, "%s", bad[i]);
      cr_assert_not_null (err);
      cr_assert (strstr (err->msg, bad[i]) != NULL, "%s", err->msg);
      mrt_error_free (&err);
    }
}

Test (path_equal, slashes)
{
  cr_assert (mrt_path_equal ("/dev", "/dev/"));
  cr_assert (mrt_path_equal ("//dev//pts", "/dev/pts"));
  cr_assert_not (mrt_path_equal ("/dev", "/devx"));
  cr_assert_not (mrt_path_equal ("/dev/pts", "/dev"));
}
