# What make oracle-lu's guest reports besides sysfs (report.sh): sourced
# by its /init and by the commands lu-agent runs between its steps.
#
# hexdump BLOCK FILE: a file's bytes between "@@BLOB BLOCK" and "@@END BLOCK"
blob() {
	echo "@@BLOB $1"
	[ -e "$2" ] && od -An -v -tx1 "$2"
	echo "@@END $1"
}

# KHO's view of the handover (its debugfs: out/ before a kexec, in/ after)
kho() {
	dir=/sys/kernel/debug/kho/$1
	blob "kho_$1_fdt_$2" $dir/fdt
	for f in $dir/sub_fdts/*; do
		[ -e "$f" ] && blob "kho_$1_$(basename "$f")_$2" "$f"
	done
}

lulist() {
	echo "@@LULIST $1 $2"
	cat /sys/kernel/debug/pcisim/lu_list_$1
	echo "@@END lulist_$1_$2"
}

# the driver pcisim's run binds before preserving (cli/run_pci.c driver_for())
driver_for() {
	t=$(attr /sys/bus/pci/devices/$1/sriov_totalvfs)
	[ "$t" != - ] && [ "$t" -gt 0 ] && echo pcisim-pf || echo pcisim-vfio
}

bind() {
	d=/sys/bus/pci/devices/$1
	[ "$(link $d/driver)" = "$2" ] && return 0
	[ -e $d/driver ] && echo $1 > $d/driver/unbind
	echo $2 > $d/driver_override
	echo $1 > /sys/bus/pci/drivers/$2/bind || echo "@@ERROR binding $1 to $2"
}

# pcisim's run_enable_vfs(): every SR-IOV PF without VFs gets pcisim-pf
# and all its VFs
enable_vfs() {
	for d in /sys/bus/pci/devices/*; do
		t=$(attr $d/sriov_totalvfs)
		[ "$t" != - ] && [ "$t" -gt 0 ] && [ "$(cat $d/sriov_numvfs)" = 0 ] || continue
		bind ${d##*/} pcisim-pf
		echo $t > $d/sriov_numvfs
	done
}

# what pcisim's run_preserve() binds before it preserves
bind_all() {
	for b in $LU_PRESERVE; do bind $b $(driver_for $b); done
}
