# report PHASE: what the kernel assigned to every PCI function, from sysfs,
# on the console between "@@PHASE PHASE" and "@@END PHASE" (oracle.py's
# parse_phases() reads it). Sourced by the /init of make oracle
# (oracle/init) and of make oracle-lu (oracle/lu/guest/init).
attr() { [ -e "$1" ] && cat "$1" 2>/dev/null || echo -; }
link() { [ -e "$1" ] && basename "$(readlink -f "$1")" || echo -; }

report() {
	echo "@@PHASE $1"
	for d in /sys/bus/pci/devices/*; do
		b=${d##*/}
		echo "@@DEV $b"
		echo "@@vendor $(attr $d/vendor)"
		echo "@@device $(attr $d/device)"
		echo "@@class $(attr $d/class)"
		echo "@@parent $(basename "$(dirname "$(readlink -f $d)")")"
		echo "@@driver $(link $d/driver)"
		echo "@@physfn $(link $d/physfn)"
		echo "@@sriov_totalvfs $(attr $d/sriov_totalvfs)"
		echo "@@sriov_numvfs $(attr $d/sriov_numvfs)"
		echo "@@sriov_offset $(attr $d/sriov_offset)"
		echo "@@sriov_stride $(attr $d/sriov_stride)"
		echo "@@CONFIG"
		od -An -v -tx1 $d/config
		echo "@@RESOURCE"
		cat $d/resource
	done
	echo "@@IOMEM"
	cat /proc/iomem
	echo "@@END $1"
}
