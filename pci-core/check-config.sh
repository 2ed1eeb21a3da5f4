#!/bin/sh
# Kconfig quietly drops a fragment's setting when a dependency is unmet.
# Fail the build instead, naming each setting that did not take.
# Usage: check-config.sh FRAGMENT DOTCONFIG
set -eu
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n)
		sym=${line%%=*}
		if grep -q "^$sym=" "$2"; then
			echo "$1: $sym=n did not take: $(grep "^$sym=" "$2")" >&2; bad=1
		fi ;;
	CONFIG_*=*)
		if ! grep -qx "$line" "$2"; then
			echo "$1: $line did not take (unmet dependency?)" >&2; bad=1
		fi ;;
	esac
done < "$1"
exit $bad
