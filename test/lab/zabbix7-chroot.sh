#!/usr/bin/env bash
# The Zabbix 7.0 LTS chroot (Debian 13 "trixie" packages), built once per machine and shared by
# every test process (test/lab/zabbix7-chroot.ts calls this script):
#   zabbix7-chroot.sh build CACHE_DIR MIRROR_URL
#     CACHE_DIR/root is the chroot; CACHE_DIR/root.complete is written only after the last step
#     succeeded, so a chroot a killed build left behind is removed and built again. The build runs
#     under an exclusive flock on CACHE_DIR/build.lock: two test files starting at once build it
#     once (the second waits, then finds the marker). MIRROR_URL is the host's own apt mirror
#     (read from /etc/apt/sources.list.d/debian.sources by the caller); no other address is used.
#   zabbix7-chroot.sh enter CACHE_DIR PID.N / leave CACHE_DIR PID.N
#     proc is mounted in the chroot while at least one lab instance (number N of test process
#     PID) uses it: `enter` records
#     the user and mounts proc if needed; `leave` drops the user, forgets users whose process is
#     gone (a test killed before its `leave`), and unmounts proc when nobody is left. Both run
#     under CACHE_DIR/proc.lock.
set -euo pipefail
action=$1
cache=$2
root=$cache/root
marker=$cache/root.complete
users=$cache/proc-users

case "$action" in
enter | leave)
  user=$3
  [[ "$user" =~ ^[0-9]+\.[0-9]+$ ]] || {
    echo "zabbix7-chroot.sh: not PID.N: $user" >&2
    exit 2
  }
  mkdir -p "$users"
  exec 9>"$cache/proc.lock"
  flock -x 9
  if [ "$action" = enter ]; then
    : >"$users/$user"
    mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  else
    rm -f "$users/$user"
    for other in "$users"/*; do
      [ -e "$other" ] || continue
      other_pid=$(basename "$other")
      kill -0 "${other_pid%%.*}" 2>/dev/null || rm -f "$other"
    done
    if [ -z "$(ls -A "$users")" ] && mountpoint -q "$root/proc"; then umount "$root/proc"; fi
  fi
  exit 0
  ;;
build) mirror=$3 ;;
*)
  echo "zabbix7-chroot.sh: unknown action $action" >&2
  exit 2
  ;;
esac

mkdir -p "$cache"
exec 9>"$cache/build.lock"
flock -x 9
[ -f "$marker" ] && exit 0

# A half-built chroot: its proc may still be mounted (a build killed between mount and umount).
if mountpoint -q "$root/proc" 2>/dev/null; then umount "$root/proc"; fi
rm -rf --one-file-system "$root"

debootstrap --variant=minbase trixie "$root" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
  tail -n 30 "$cache/debootstrap.log" >&2
  exit 1
}
# No service may start while packages install (postgresql's postinst would start its cluster).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
trap 'umount "$root/proc" 2>/dev/null || true' EXIT
export DEBIAN_FRONTEND=noninteractive
{
  chroot "$root" apt-get update -qq
  chroot "$root" apt-get install -y -qq --no-install-recommends \
    zabbix-server-pgsql zabbix-frontend-php php-cli php-pgsql postgresql
  chroot "$root" apt-get clean
} >"$cache/apt.log" 2>&1 || {
  tail -n 30 "$cache/apt.log" >&2
  exit 1
}
umount "$root/proc"
trap - EXIT
chroot "$root" dpkg-query -W -f='${Version}' zabbix-server-pgsql >"$marker.tmp"
mv "$marker.tmp" "$marker"
