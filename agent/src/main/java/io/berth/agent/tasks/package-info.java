/**
 * Tasks on this host: the reconciler compares desired state from the control plane with what runs here,
 * and each task moves through its lifecycle (pull, rootfs, start, watch, stop, clean up), persisting
 * enough on disk to resume after an agent restart.
 */
package io.berth.agent.tasks;
