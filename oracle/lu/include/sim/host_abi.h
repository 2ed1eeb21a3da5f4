/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lu/sim-drivers asks of the machine, in a real kernel: the one
 * part of pcisim's host ABI (shim/include/sim/host_abi.h) the drivers
 * use. Under pcisim it rings the device model's doorbell; on a real
 * machine see oracle/lu/pcisim_hw.c.
 */
#ifndef _ORACLE_SIM_HOST_ABI_H
#define _ORACLE_SIM_HOST_ABI_H

int host_dma_start(unsigned int domain, unsigned int bus, unsigned int devfn);
int host_dma_stop(unsigned int domain, unsigned int bus, unsigned int devfn);

#endif /* _ORACLE_SIM_HOST_ABI_H */
