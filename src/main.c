/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include "config.h"
int main (void) { printf ("minirt version %s\n", MINIRT_VERSION); return 0; }
