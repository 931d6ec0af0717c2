"""Product: payouts — `forecast payouts`: what a policy owes for real records, by the same rule
functions the simulation uses; payout lines, records that earn nothing with why, totals, warnings."""
