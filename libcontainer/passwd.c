/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "passwd.h"
#include "utils.h"

/* One passwd line is name:password:uid:gid:gecos:home:shell. */
static char *
home_of_line (char *line, uid_t uid)
{
  char *field[7] = { NULL };
  size_t n = 0;
  for (char *p = line; n < 7; n++)
    {
      field[n] = p;
      p = strchr (p, ':');
      if (p == NULL)
        {
          n++;
          break;
        }
      *p++ = '\0';
    }
  if (n < 6 || field[2][0] == '\0')
    return NULL;
  char *end;
  unsigned long id = strtoul (field[2], &end, 10);
  if (*end != '\0' || id != (unsigned long)uid)
    return NULL;
  return xstrdup (field[5]);
}

char *
mrt_passwd_home (const char *path, uid_t uid)
{
  cleanup_free char *data = NULL;
  size_t len;
  mrt_error_t err = NULL;

  if (mrt_read_file (path, 4 << 20, &data, &len, &err) < 0)
    {
      mrt_error_free (&err);
      return xstrdup ("/");
    }
  for (char *line = data, *next; line && *line; line = next)
    {
      next = strchr (line, '\n');
      if (next)
        *next++ = '\0';
      char *home = home_of_line (line, uid);
      if (home)
        return home;
    }
  return xstrdup ("/");
}

void
mrt_env_add_home (char ***env, uid_t uid)
{
  size_t n = 0;
  for (; *env && (*env)[n]; n++)
    if (strncmp ((*env)[n], "HOME=", 5) == 0)
      return;
  cleanup_free char *home = mrt_passwd_home ("/etc/passwd", uid);
  *env = xrealloc (*env, (n + 2) * sizeof (char *));
  (*env)[n] = xasprintf ("HOME=%s", home);
  (*env)[n + 1] = NULL;
}
