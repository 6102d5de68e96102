package dev.e2bgateway.upstream;

/** How the caller cancels an upstream call from another thread (its client hung up, or shutdown). */
public interface CancelHook {

    /** Sets what cancelling does now; runs it at once if already cancelled. */
    void onCancel(Runnable hook);

    boolean cancelled();
}
