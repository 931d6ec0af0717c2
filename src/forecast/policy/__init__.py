"""Engine, layer 2: the law as data and pure functions — the 新八级 ladder, the event table,
reward rules (one pure function per kind), `Policy` and `Target`, the payout calculator shared by
the simulation and `forecast payouts`, real payment records (read, written, checked)."""
