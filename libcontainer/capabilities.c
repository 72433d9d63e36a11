/* SPDX-License-Identifier: Apache-2.0 */
/* process.capabilities with libcap, like runc: bounding set first (while
 * CAP_SETPCAP is still effective), then inheritable/permitted/effective in
 * one capset, then ambient.  No `capabilities` object means every set is
 * empty.  Capabilities the running kernel does not know are skipped. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "rootfs.h"
#include "utils.h"

static void
cap_name (int cap, char *buf, size_t size)
{
  char *n = cap_to_name (cap);
  snprintf (buf, size, "%s", n ? n : "?");
  cap_free (n);
  for (char *p = buf; *p; p++)
    *p = toupper ((unsigned char)*p);
}

static bool
in_list (const int *list, size_t n, int cap)
{
  for (size_t i = 0; i < n; i++)
    if (list[i] == cap)
      return true;
  return false;
}

/* After a switch to a non-root uid the effective set is empty: bring the
 * permitted caps back so the bounding set can still be changed. */
static int
raise_effective (mrt_error_t *err)
{
  cap_t cur = cap_get_proc ();
  if (cur == NULL)
    return mrt_error_sys (err, "process.capabilities: cap_get_proc");
  int last = cap_max_bits ();
  for (int c = 0; c < last; c++)
    {
      cap_flag_value_t v;
      if (cap_get_flag (cur, c, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
        {
          cap_value_t cv = c;
          cap_set_flag (cur, CAP_EFFECTIVE, 1, &cv, CAP_SET);
        }
    }
  int r = cap_set_proc (cur);
  cap_free (cur);
  if (r < 0)
    return mrt_error_sys (err, "process.capabilities: raise effective set");
  return 0;
}

static void
set_flags (cap_t caps, cap_flag_t flag, const int *list, size_t n, int last)
{
  for (size_t i = 0; i < n; i++)
    if (list[i] >= 0 && list[i] < last)
      {
        cap_value_t cv = list[i];
        cap_set_flag (caps, flag, 1, &cv, CAP_SET);
      }
}

int
mrt_caps_apply (const struct mrt_process *process, mrt_error_t *err)
{
  static const struct mrt_capabilities none;
  const struct mrt_capabilities *c = process && process->capabilities ? process->capabilities : &none;
  int last = cap_max_bits ();
  char name[64];

  if (raise_effective (err) < 0)
    return -1;
  /* Dropping a capability the set no longer holds succeeds: ask whether
   * it is there only when the drop fails (one prctl per capability, not
   * two). */
  for (int cap = 0; cap < last; cap++)
    if (!in_list (c->bounding, c->n_bounding, cap) && prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) < 0
        && prctl (PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
      {
        cap_name (cap, name, sizeof (name));
        return mrt_error_sys (err, "process.capabilities.bounding: drop %s", name);
      }

  cap_t want = cap_init ();
  if (want == NULL)
    return mrt_error_sys (err, "cap_init");
  set_flags (want, CAP_EFFECTIVE, c->effective, c->n_effective, last);
  set_flags (want, CAP_PERMITTED, c->permitted, c->n_permitted, last);
  set_flags (want, CAP_INHERITABLE, c->inheritable, c->n_inheritable, last);
  int r = cap_set_proc (want);
  cap_free (want);
  if (r < 0)
    return mrt_error_sys (err, "process.capabilities: capset (effective %zu, permitted %zu, inheritable %zu caps)",
                          c->n_effective, c->n_permitted, c->n_inheritable);

  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return mrt_error_sys (err, "process.capabilities.ambient: clear");
  /* Like runc, an ambient cap that is not both permitted and inheritable
   * is skipped (runc only warns): configs in the wild rely on it. */
  for (size_t i = 0; i < c->n_ambient; i++)
    if (c->ambient[i] < last && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c->ambient[i], 0, 0) < 0 && errno != EPERM)
      {
        cap_name (c->ambient[i], name, sizeof (name));
        return mrt_error_sys (err, "process.capabilities.ambient[%zu]: raise %s", i, name);
      }
  return 0;
}
