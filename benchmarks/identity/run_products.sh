#!/usr/bin/env bash
# run_products.sh REPO OUT [old|new]: run every product of the checkout REPO (its .venv/bin/forecast)
# into OUT, for byte comparisons of two versions (compare_folders.py). `old`: a version from before
# `forecast reforecast` (re-forecast by `run --actuals`); SCFOLDER=1 names the places by folder
# (scenarios/huishan), otherwise by file (scenarios/huishan.toml, versions before the place folders).
# Run both versions from the same REPO and OUT paths: the folders name them.
set -u
REPO=$1; OUT=$2; MODE=${3:-old}
F=$REPO/.venv/bin/forecast
cd $REPO
rm -rf $OUT; mkdir -p $OUT
sc() { if [ "${SCFOLDER:-0}" = 1 ]; then echo scenarios/$1; else echo scenarios/$1.toml; fi; }
log() { echo "== $*" >> $OUT/log.txt; "$@" >> $OUT/log.txt 2>&1; echo "rc=$?" >> $OUT/log.txt; }
cat > $OUT/mini.toml <<EOT
base = "$REPO/$(sc huishan)"
$(sed -n '/^MINI = """/,/^"""/p' $REPO/tests/conftest.py | sed '1d;$d')
EOT
for s in huishan changzhou wuxi_2021 huzhou dongxihu; do
  log $F run $(sc $s) --seed 0 --out $OUT/single_$s --quiet
  log $F run $(sc $s) --seed 3 --reps 4 --backend serial --out $OUT/reps4_$s --quiet
done
log $F run $(sc huishan) --seed 3 --reps 4 --backend processes --workers 2 --out $OUT/reps4p_huishan --quiet
log $F run $OUT/mini.toml --seed 5 --reps 6 --backend serial --central --out $OUT/mini_central --quiet
log $F run $OUT/mini.toml --seed 5 --reps 8 --sampling rqmc --backend serial --out $OUT/mini_rqmc --quiet
log $F run $OUT/mini.toml --seed 5 --reps 4 --precision 0.2 --precision-floor 0.2 --backend serial --out $OUT/mini_precision --quiet
log $F run $OUT/mini.toml --seed 2 --reps 3 --keep-ledgers --backend serial --out $OUT/mini_ledgers --quiet
log $F run $OUT/mini.toml --seed 2 --set rules.HS-A8a.amount=3000 --fix population.employed --out $OUT/mini_set --quiet
if [ $MODE = new ]; then
  log $F reforecast $(sc huishan) --actuals examples/records/huishan_synthetic_2026H1.csv --as-of 2026-06-30 --reps 4 --seed 1 --backend serial --out $OUT/execution --quiet
else
  log $F run $(sc huishan) --actuals examples/records/huishan_synthetic_2026H1.csv --as-of 2026-06-30 --reps 4 --seed 1 --backend serial --out $OUT/execution --quiet
fi
log $F compare $(sc huishan) scenarios/reforms/huishan_apprentice_x2.toml scenarios/reforms/huishan_apprentice_x2_from_2026.toml --reps 4 --seed 0 --backend serial --out $OUT/compare --quiet
log $F compare $OUT/mini.toml --set rules.HS-A8a.amount=4000 --reps 6 --seed 0 --backend serial --out $OUT/compare_set --quiet
log $F sweep $OUT/mini.toml --vary rules.HS-A8a.amount=1000:5000:3 --reps 4 --seed 0 --backend serial --out $OUT/sweep --quiet
log $F sweep $OUT/mini.toml --vary rules.HS-A8a.amount=1000:5000:2 --vary rules.HS-A3a.amounts.高级工=1000:3000:2 --reps 3 --seed 0 --backend serial --out $OUT/sweep2 --quiet
log $F optimise $OUT/mini.toml --target HS-T1 --probability 0.5 --vary rules.HS-A3a.amounts.高级工=500:4000 --reps 6 --max-evals 6 --seed 0 --backend serial --out $OUT/optimise --quiet
log $F sensitivity $OUT/mini.toml --method morris --trajectories 2 --seed 0 --backend serial --out $OUT/morris --quiet
log $F sensitivity $OUT/mini.toml --method sobol --n 8 --params population.employed pathways.self_evaluation.rate_scale --seed 0 --backend serial --out $OUT/sobol --quiet
log $F calibrate $OUT/mini.toml --observed scenarios/observed/huishan.toml --params pathways.self_evaluation.rate_scale --max-runs 30 --seed 0 --backend serial --out $OUT/calibrate --quiet
for r in huishan_2025Q1.csv huishan_2025Q1.xlsx huishan_synthetic_2026H1.csv; do
  log $F payouts --policy $(sc huishan) examples/records/$r --out $OUT/payouts_$r.csv
done
log $F payouts --policy $(sc changzhou) examples/records/changzhou_2025.csv --out $OUT/payouts_cz.csv
log $F payouts --policy $(sc dongxihu) examples/records/dongxihu_2024.csv --out $OUT/payouts_dx.csv
log $F payouts --policy $(sc huzhou) examples/records/huzhou_2023.csv --out $OUT/payouts_hz.csv
log $F payouts --policy $(sc wuxi_2021) examples/records/wuxi_2021.csv --out $OUT/payouts_wx.csv
log $F report $OUT/reps4_huishan --no-pdf --out $OUT/report_reps4 
log $F report $OUT/single_changzhou --no-pdf --lang en --out $OUT/report_single_cz
log $F report $OUT/compare --no-pdf --out $OUT/report_compare
log $F report $OUT/execution --no-pdf --out $OUT/report_execution
