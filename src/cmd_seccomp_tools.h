/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_CMD_SECCOMP_TOOLS_H
#define MINIRT_CMD_SECCOMP_TOOLS_H

/* `minirt seccomp check|explain|diff|convert` (cmd_seccomp_tools.c): their
 * flag tables and commands, for the dispatcher in cmd_seccomp.c. */

#include "cli.h"

extern const struct mrt_opt_table mrt_seccomp_check_opts;
extern const struct mrt_opt_table mrt_seccomp_explain_opts;
extern const struct mrt_opt_table mrt_seccomp_diff_opts;
extern const struct mrt_opt_table mrt_seccomp_convert_opts;

int mrt_cmd_seccomp_check (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **,
                           mrt_error_t *);
int mrt_cmd_seccomp_explain (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **,
                             mrt_error_t *);
int mrt_cmd_seccomp_diff (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **,
                          mrt_error_t *);
int mrt_cmd_seccomp_convert (struct mrt_cli *, const struct mrt_command *, struct mrt_optval *, int, char **,
                             mrt_error_t *);

/* The profile `minirt spec --seccomp VALUE` puts into the new config.json
 * ("default" or a profile file), resolved for the spec's capabilities. */
int mrt_spec_seccomp_profile (const char *value, const char *const *caps, size_t n_caps, struct mrt_seccomp **out,
                              mrt_error_t *err);

#endif
