/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the seccomp work lands. */
#include <errno.h>
#include <stdlib.h>

#include "seccomp.h"

struct mrt_seccomp_filter
{
  int unused;
};

int
mrt_seccomp_compile (const struct mrt_seccomp *profile, const struct mrt_log *log, struct mrt_seccomp_filter **out,
                     mrt_error_t *err)
{
  (void) profile, (void) log, (void) out;
  return mrt_error_make (err, ENOSYS, "linux.seccomp: not implemented yet");
}

bool
mrt_seccomp_filter_wants_listener (const struct mrt_seccomp_filter *f)
{
  (void) f;
  return false;
}

int
mrt_seccomp_load (const struct mrt_seccomp_filter *f, int *notify_fd, mrt_error_t *err)
{
  (void) f;
  *notify_fd = -1;
  return mrt_error_make (err, ENOSYS, "linux.seccomp: not implemented yet");
}

void
mrt_seccomp_filter_free (struct mrt_seccomp_filter *f)
{
  free (f);
}

int
mrt_seccomp_send_listener (const char *listener_path, int notify_fd, const char *process_state_json, mrt_error_t *err)
{
  (void) listener_path, (void) notify_fd, (void) process_state_json;
  return mrt_error_make (err, ENOSYS, "linux.seccomp.listenerPath: not implemented yet");
}
