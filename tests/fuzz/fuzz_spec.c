/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: every parser entry point on the same bytes.  Whatever
 * the input, a parser must either succeed (and the result must free
 * cleanly) or fail with exactly one one-line error, never crash or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "minirt/seccomp_profile.h"
#include "minirt/spec.h"

static void
check_error (int r, mrt_error_t *err)
{
  if (r == 0)
    {
      if (*err != NULL)
        abort (); /* success must not leave an error behind */
      return;
    }
  if (*err == NULL || (*err)->msg == NULL || strchr ((*err)->msg, '\n') != NULL)
    abort (); /* failure must give one line */
  mrt_error_free (err);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *json = (const char *)data;
  mrt_error_t err = NULL;

  struct mrt_spec *spec = NULL;
  check_error (mrt_spec_parse (json, size, "config.json", &spec, &err), &err);
  mrt_spec_free (spec);

  struct mrt_process *process = NULL;
  check_error (mrt_process_parse (json, size, "process.json", &process, &err), &err);
  mrt_process_free (process);

  struct mrt_resources *resources = NULL;
  check_error (mrt_resources_parse (json, size, "resources.json", &resources, &err), &err);
  mrt_resources_free (resources);

  struct mrt_seccomp *seccomp = NULL;
  check_error (mrt_seccomp_parse (json, size, "seccomp.json", &seccomp, &err), &err);
  mrt_seccomp_free (seccomp);

  /* The profile tools' reader (OCI, config.json, Docker), then what the
   * commands do with a profile: resolve, explain, write, patch a config.
   * (check is left out: its "did you mean" walks every syscall name.) */
  struct mrt_profile *profile = NULL;
  check_error (mrt_profile_parse (json, size, "profile.json", &profile, &err), &err);
  if (profile)
    {
      static const char *const caps[] = { "CAP_SYS_ADMIN" };
      struct mrt_profile_target t = { .arch = "amd64", .kernel = "5.10", .caps = caps, .n_caps = 1 };
      struct mrt_seccomp *s = NULL;
      check_error (mrt_profile_resolve (profile, &t, &s, &err), &err);
      if (s)
        {
          size_t changes = 0;
          free (mrt_seccomp_explain (s));
          free (mrt_seccomp_diff (s, s, &changes));
          if (changes != 0)
            abort (); /* a profile differs from itself */
          free (mrt_seccomp_to_json (s, MRT_FORM_KUBERNETES));
          char *patched = mrt_config_set_seccomp ("{\"linux\": {}}", 13, "config.json", s, &err);
          check_error (patched ? 0 : -1, &err);
          free (patched);
          mrt_seccomp_free (s);
        }
      mrt_profile_free (profile);
    }
  return 0;
}
