#!/bin/sh
# parser/ must make no system calls: its objects may import only pure libc
# functions.  Fails if any undefined symbol is a syscall wrapper or exit.
set -eu
lib=$1
bad=$(nm -u "$lib" | awk '{print $2}' | sed 's/@.*//' | grep -Ex \
  'open|openat|openat2|read|write|close|mount|umount2?|setns|unshare|clone3?|fork|vfork|execve?[lpv]*|exit|_exit|abort|getenv|secure_getenv|getpw.*|getgr.*|stat|fstat|lstat|ioctl|syscall|prctl|kill|fopen|fprintf|printf|puts|perror|system|popen|time|gettimeofday|clock_gettime' \
  || true)
if [ -n "$bad" ]; then
  echo "parser/ imports system calls or process control:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "parser/ is pure: $(nm -u "$lib" | wc -l) imports, none forbidden"
