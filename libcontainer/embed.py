#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Embed a file as a C string so the binary never reads the source tree:
#   embed.py INPUT OUTPUT FUNCTION  ->  const char *FUNCTION (void)
import os
import sys

src, dst, func = sys.argv[1:4]
with open(src, 'rb') as f:
    data = f.read()
if b'\0' in data:
    sys.exit('%s: NUL byte, cannot embed as a string' % src)
with open(dst, 'w') as f:
    f.write('/* Generated from %s by embed.py: do not edit. */\n' % os.path.basename(src))
    f.write('#include "minirt/seccomp_profile.h"\n\n')
    f.write('static const char data[] =\n')
    for i in range(0, len(data), 16):
        f.write('  "' + ''.join('\\x%02x' % b for b in data[i:i + 16]) + '"\n')
    f.write(';\n\nconst char *\n%s (void)\n{\n  return data;\n}\n' % func)
