/* fault.h - named steps where a test can stop the runtime and SIGKILL it.
 *
 * OCIBOX_FAULT=STEP:FIFO in the environment: when the runtime reaches ob_fault_point(STEP)
 * it opens FIFO for writing (blocking until the test reads it), writes "PID STEP\n" and
 * waits for a signal forever; the test then kills PID. test/faults.bats drives every step
 * of create, start, run, exec and delete this way and checks that `delete --force` leaves
 * nothing.
 *
 * Compiled in always, not only in a debug build: the tests then run against the binary
 * that ships, and no second build (twice the compile time in CI) is needed. It costs one
 * getenv per step. It gives nothing to whoever sets the environment of the runtime: that
 * caller can already stop and kill it (SIGSTOP, SIGKILL), and the container's own
 * environment is process.env, never ours.
 */
#ifndef OB_FAULT_H
#define OB_FAULT_H

/* Stop here when OCIBOX_FAULT names this step (see above); else return at once. Only
 * open/write/pause: safe in a child after clone. */
void ob_fault_point(const char *step);

#endif
