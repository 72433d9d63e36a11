/* SPDX-License-Identifier: Apache-2.0 */
#ifndef MINIRT_CLI_OPS_PARSE_H
#define MINIRT_CLI_OPS_PARSE_H

/* Value parsing for `update` and `events`, with runc's rules (Go's
 * strconv, docker's units.RAMInBytes, time.ParseDuration).  Kept apart
 * from cmd_ops.c so the unit tests can drive it. */

#include <stdint.h>

#include "minirt/error.h"
#include "minirt/spec.h"

/* update's individual flags, NULL when not given. */
struct mrt_update_flags
{
  const char *blkio_weight;
  const char *cpu_period, *cpu_quota, *cpu_share, *cpu_rt_period, *cpu_rt_runtime;
  const char *cpuset_cpus, *cpuset_mems;
  const char *memory, *memory_reservation, *memory_swap;
  const char *pids_limit;
  const char *l3_cache_schema, *mem_bw_schema;
};

/* The linux.resources the flags describe (free with mrt_resources_free).
 * Errors name the flag: `update: --memory: invalid size "12q"`. */
int mrt_update_flags_to_resources (const struct mrt_update_flags *f, struct mrt_resources **out, mrt_error_t *err);

/* "64m", "1.5g", "1024", "2KiB": bytes (binary units), as runc's
 * units.RAMInBytes. */
int mrt_parse_ram_bytes (const char *s, int64_t *out);
/* Go's time.ParseDuration ("5s", "100ms", "1m30s"), in nanoseconds; > 0. */
int mrt_parse_duration (const char *s, uint64_t *ns);

#endif
