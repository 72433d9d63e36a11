/* SPDX-License-Identifier: Apache-2.0 */
/* State dir, state.json, ID validation, liveness and statuses. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "state.h"
#include "utils.h"

static char root[] = "/tmp/minirt-unit-state.XXXXXX";

static void
setup_root (void)
{
  strcpy (root, "/tmp/minirt-unit-state.XXXXXX");
  cr_assert_not_null (mkdtemp (root));
}

static int
remove_one (const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st, (void)flag, (void)ftw;
  return remove (path);
}

static void
teardown_root (void)
{
  nftw (root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite (state, .init = setup_root, .fini = teardown_root);

Test (state, valid_ids)
{
  const char *ok[] = { "a", "abc", "A-Z_0.9+x", "..a", "a..", "-", "x.y" };
  for (size_t i = 0; i < ARRAY_SIZE (ok); i++)
    {
      mrt_error_t err = NULL;
      cr_expect_eq (mrt_validate_id (ok[i], &err), 0, "%s", ok[i]);
      mrt_error_free (&err);
    }
  char *long_ok = xmalloc0 (MRT_ID_MAX + 1);
  memset (long_ok, 'a', MRT_ID_MAX);
  mrt_error_t err = NULL;
  cr_expect_eq (mrt_validate_id (long_ok, &err), 0);
  free (long_ok);
}

Test (state, invalid_ids)
{
  const char *bad[] = { "", ".", "..", "a/b", "/abs", "../x", "a b", "a;b", "a\nb", "é", "a*", "a:b" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      mrt_error_t err = NULL;
      cr_expect_lt (mrt_validate_id (bad[i], &err), 0, "%s", bad[i]);
      cr_expect_not_null (err);
      if (err)
        cr_expect_not_null (strstr (err->msg, "container id"), "%s", err->msg);
      mrt_error_free (&err);
    }
  mrt_error_t err = NULL;
  cr_expect_lt (mrt_validate_id (NULL, &err), 0);
  mrt_error_free (&err);
  char *too_long = xmalloc0 (MRT_ID_MAX + 2);
  memset (too_long, 'a', MRT_ID_MAX + 1);
  cr_expect_lt (mrt_validate_id (too_long, &err), 0);
  mrt_error_free (&err);
  free (too_long);
}

Test (state, record_json_roundtrip)
{
  struct mrt_kv ann[] = { { (char *)"k1", (char *)"v \"1\"" }, { (char *)"k/2", (char *)"" } };
  struct mrt_state_record r = {
    .oci_version = (char *)"1.2.0",
    .id = (char *)"c1",
    .created = true,
    .pid = 1234,
    .pid_start = 987654321ULL,
    .creator_pid = 42,
    .creator_start = 7,
    .bundle = (char *)"/b",
    .rootfs = (char *)"/b/rootfs",
    .created_at = (char *)"2024-01-02T03:04:05.000000001Z",
    .cgroup = (char *)"v1:/x/y",
    .seccomp_monitor_pid = 4321,
    .seccomp_monitor_start = 99,
    .no_new_keyring = true,
    .annotations = ann,
    .n_annotations = 2,
  };
  char *json = mrt_state_record_to_json (&r);
  struct mrt_state_record back;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_state_record_from_json (json, &back, &err), 0);
  cr_expect_str_eq (back.id, "c1");
  cr_expect_str_eq (back.oci_version, "1.2.0");
  cr_expect (back.created);
  cr_expect_eq (back.pid, 1234);
  cr_expect_eq (back.pid_start, 987654321ULL);
  cr_expect_eq (back.creator_pid, 42);
  cr_expect_eq (back.creator_start, 7);
  cr_expect_str_eq (back.bundle, "/b");
  cr_expect_str_eq (back.rootfs, "/b/rootfs");
  cr_expect_str_eq (back.created_at, r.created_at);
  cr_expect_str_eq (back.cgroup, "v1:/x/y");
  cr_expect_eq (back.seccomp_monitor_pid, 4321);
  cr_expect_eq (back.seccomp_monitor_start, 99);
  cr_expect (back.no_new_keyring);
  cr_assert_eq (back.n_annotations, 2);
  cr_expect_str_eq (back.annotations[0].value, "v \"1\"");
  cr_expect_str_eq (back.annotations[1].key, "k/2");
  mrt_state_record_clear (&back);
  free (json);

  cr_expect_lt (mrt_state_record_from_json ("{not json", &back, &err), 0);
  cr_expect_null (strchr (err->msg, '\n'), "not one line: %s", err->msg);
  mrt_error_free (&err);
  cr_expect_lt (mrt_state_record_from_json ("garbage\n", &back, &err), 0);
  cr_expect_null (strchr (err->msg, '\n'), "not one line: %s", err->msg);
  mrt_error_free (&err);
  cr_expect_lt (mrt_state_record_from_json ("{\"pid\": 3}", &back, &err), 0);
  mrt_error_free (&err);
}

/* The seccomp report monitor must never wait for a lock `delete` holds
 * while ending it. */
Test (state, try_lock_does_not_wait)
{
  struct mrt_state_dir d, d2;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_state_dir_create (root, "tl", &d, &err), 0);
  cr_assert_eq (mrt_state_dir_open (root, "tl", false, &d2, &err), 0);
  cr_expect_eq (mrt_state_dir_try_lock (&d2, &err), 0);
  mrt_state_dir_close (&d);
  cr_expect_eq (mrt_state_dir_try_lock (&d2, &err), 1, "%s", err ? err->msg : "");
  cr_assert_eq (mrt_state_dir_remove (&d2, &err), 0);
  mrt_state_dir_close (&d2);
}

Test (state, create_open_remove)
{
  struct mrt_state_dir d, d2;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_state_dir_create (root, "c1", &d, &err), 0);
  struct stat st;
  char *path = xasprintf ("%s/c1", root);
  cr_assert_eq (stat (path, &st), 0);
  cr_expect_eq (st.st_mode & 0777, 0700);

  /* a second create of the same ID fails */
  cr_expect_lt (mrt_state_dir_create (root, "c1", &d2, &err), 0);
  cr_assert_not_null (err);
  cr_expect_not_null (strstr (err->msg, "already exists"), "%s", err->msg);
  mrt_error_free (&err);

  /* the lock (the directory itself) is held: a non-blocking flock from
   * another description fails */
  char *lock = xasprintf ("%s/c1", root);
  int fd = open (lock, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cr_assert_geq (fd, 0);
  cr_expect_lt (flock (fd, LOCK_EX | LOCK_NB), 0);
  cr_expect_eq (errno, EWOULDBLOCK);

  struct mrt_state_record r = { .id = (char *)"c1", .creator_pid = getpid () };
  mrt_proc_stat (getpid (), &r.creator_start, NULL);
  cr_assert_eq (mrt_state_write (&d, &r, &err), 0);
  /* atomically written: no temp file left */
  char *tmp = xasprintf ("%s/c1/state.json.tmp", root);
  cr_expect_neq (access (tmp, F_OK), 0);
  /* a rewrite keeps the old copy as the spare until write_done */
  r.created = true;
  cr_assert_eq (mrt_state_write (&d, &r, &err), 0);
  struct mrt_state_record back;
  cr_assert_eq (mrt_state_read (&d, &back, &err), 0);
  cr_expect (back.created);
  mrt_state_record_clear (&back);
  mrt_state_write_done (&d);
  cr_expect_neq (access (tmp, F_OK), 0);

  cr_assert_eq (mrt_state_dir_remove (&d, &err), 0);
  cr_expect_neq (stat (path, &st), 0);
  mrt_state_dir_close (&d);

  /* after the delete the lock can be taken, but the container is gone */
  cr_expect_eq (flock (fd, LOCK_EX | LOCK_NB), 0);
  close (fd);
  cr_expect_lt (mrt_state_dir_open (root, "c1", true, &d2, &err), 0);
  cr_assert_not_null (err);
  cr_expect_eq (err->errno_, ENOENT);
  cr_expect_str_eq (err->msg, "container `c1` does not exist");
  mrt_error_free (&err);
  free (path);
  free (lock);
  free (tmp);
}

Test (state, invalid_id_creates_nothing)
{
  struct mrt_state_dir d;
  mrt_error_t err = NULL;
  cr_expect_lt (mrt_state_dir_create (root, "../evil", &d, &err), 0);
  mrt_error_free (&err);
  cr_expect_lt (mrt_state_dir_open (root, "../evil", false, &d, &err), 0);
  mrt_error_free (&err);
  char *evil = xasprintf ("%s/../evil", root);
  cr_expect_neq (access (evil, F_OK), 0);
  free (evil);
}

Test (state, proc_stat_and_pid_reuse)
{
  uint64_t start = 0;
  char st = 0;
  cr_assert_eq (mrt_proc_stat (getpid (), &start, &st), 0);
  cr_expect_gt (start, 0);
  cr_expect (st == 'R' || st == 'S');
  cr_expect (mrt_proc_alive (getpid (), start));
  /* same pid, other start time: a reused PID is not our process */
  cr_expect_not (mrt_proc_alive (getpid (), start + 1));
  cr_expect_not (mrt_proc_alive (0, 0));
  cr_expect_lt (mrt_proc_stat (-1, NULL, NULL), 0);

  /* a zombie is not alive */
  pid_t child = fork ();
  if (child == 0)
    _exit (0);
  uint64_t cstart = 0;
  cr_assert_eq (mrt_proc_stat (child, &cstart, NULL), 0);
  siginfo_t si;
  waitid (P_PID, child, &si, WEXITED | WNOWAIT);
  cr_expect_not (mrt_proc_alive (child, cstart));
  waitpid (child, NULL, 0);
  cr_expect_not (mrt_proc_alive (child, cstart));
}

Test (state, statuses)
{
  struct mrt_state_dir d;
  mrt_error_t err = NULL;
  cr_assert_eq (mrt_state_dir_create (root, "s1", &d, &err), 0);
  struct mrt_state_record r = { .id = (char *)"s1" };

  /* creating while the creator lives, stopped once it is gone */
  r.creator_pid = getpid ();
  mrt_proc_stat (getpid (), &r.creator_start, NULL);
  cr_expect_eq (mrt_state_status (&d, &r), MRT_STATUS_CREATING);
  r.creator_start++;
  cr_expect_eq (mrt_state_status (&d, &r), MRT_STATUS_STOPPED);

  /* created while exec.sock exists, running after, stopped when dead */
  pid_t child = fork ();
  if (child == 0)
    {
      pause ();
      _exit (0);
    }
  r.created = true;
  r.pid = child;
  cr_assert_eq (mrt_proc_stat (child, &r.pid_start, NULL), 0);
  char *sock = xasprintf ("%s/s1/exec.sock", root);
  int fd = open (sock, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  close (fd);
  cr_expect_eq (mrt_state_status (&d, &r), MRT_STATUS_CREATED);
  unlink (sock);
  cr_expect_eq (mrt_state_status (&d, &r), MRT_STATUS_RUNNING);

  struct mrt_container_state *pub = NULL;
  cr_assert_eq (mrt_state_to_public (&d, &r, &pub), 0);
  cr_expect_eq (pub->status, MRT_STATUS_RUNNING);
  cr_expect_eq (pub->pid, child);
  cr_expect_str_eq (pub->owner, "root");
  char *json = mrt_container_state_to_json (pub, false);
  cr_expect_not_null (strstr (json, "\"status\":\"running\""), "%s", json);
  cr_expect_null (strstr (json, "annotations"), "%s", json);
  free (json);
  mrt_container_state_free (pub);

  kill (child, SIGKILL);
  waitpid (child, NULL, 0);
  cr_expect_eq (mrt_state_status (&d, &r), MRT_STATUS_STOPPED);
  cr_assert_eq (mrt_state_to_public (&d, &r, &pub), 0);
  cr_expect_eq (pub->pid, 0);
  mrt_container_state_free (pub);

  mrt_state_dir_remove (&d, &err);
  mrt_state_dir_close (&d);
  free (sock);
}

Test (state, rfc3339)
{
  char *t = mrt_now_rfc3339 ();
  cr_expect_eq (strlen (t), strlen ("2024-01-02T03:04:05.123456789Z"), "%s", t);
  cr_expect_eq (t[4], '-');
  cr_expect_eq (t[10], 'T');
  cr_expect_eq (t[19], '.');
  cr_expect_eq (t[strlen (t) - 1], 'Z');
  free (t);
}

Test (state, rfc3339_dates_match_gmtime)
{
  static const time_t when[]
      = { 0, 951782400 /* 2000-02-29 */, 1709164799, 4107542400 /* 2100-03-01 */, 1796083200, 86399, 2147483647 };
  for (size_t i = 0; i < sizeof (when) / sizeof (when[0]); i++)
    {
      struct timespec ts = { .tv_sec = when[i], .tv_nsec = 5 };
      struct tm tm;
      char want[64];
      gmtime_r (&when[i], &tm);
      strftime (want, sizeof (want), "%Y-%m-%dT%H:%M:%S.000000005Z", &tm);
      char *got = mrt_rfc3339 (&ts);
      cr_expect_str_eq (got, want);
      free (got);
    }
}

Test (state, status_names)
{
  cr_expect_str_eq (mrt_status_name (MRT_STATUS_CREATING), "creating");
  cr_expect_str_eq (mrt_status_name (MRT_STATUS_CREATED), "created");
  cr_expect_str_eq (mrt_status_name (MRT_STATUS_RUNNING), "running");
  cr_expect_str_eq (mrt_status_name (MRT_STATUS_PAUSED), "paused");
  cr_expect_str_eq (mrt_status_name (MRT_STATUS_STOPPED), "stopped");
}
