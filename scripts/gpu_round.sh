#!/usr/bin/env bash
# One call on a lent GPU machine (docs/TRAINING.md has the whole hand-over):
#   bash scripts/gpu_round.sh stage
#       unpack the carried chunk (gpu_carry/train) into $GPU_DATA; the machine stays warm ~30 s for the next call
#   bash scripts/gpu_round.sh train MINUTES [CONFIG_JSON [extra training.train args...]]
#       unpack too, then train from models/resume, export, and put the resume file, the log line and the
#       ONNX model under $OUT (fp16 weights: each file is well under the 16 MiB limit)
set -euo pipefail
MODE=${1:?usage: gpu_round.sh stage | train MINUTES [CONFIG_JSON [args...]]}
DATA=${GPU_DATA:-/root/data}
RUN=${GPU_RUN:-/root/run}
SITE=${GPU_SITE:-/tmp/site}
PY=${PYTHON:-python3}
: "${OUT:?OUT is set by the device tool}"

mkdir -p "$DATA/train"
if [ -d gpu_carry/train ]; then cp -r gpu_carry/train/. "$DATA/train/"; fi
echo "photos staged: $(find "$DATA/train" -name '*.webp' | wc -l)"
[ "$MODE" = stage ] && exit 0
[ "$MODE" = train ] || { echo "unknown mode $MODE" >&2; exit 2; }

MINUTES=${2:?minutes}
CONFIG='{}'
if [ $# -ge 3 ]; then CONFIG=$3; fi
shift $(( $# < 3 ? $# : 3 ))
"$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$SITE" gpu_carry/wheels/*.whl
export PYTHONPATH="$SITE:$PWD" PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
status=0
"$PY" -m training.train --data "$DATA" --run "$RUN" --cache "$RUN/cache" --minutes "$MINUTES" --config "$CONFIG" "$@" \
  >"$OUT/train.log" 2>&1 || status=$?
grep -E "^resumed|img/s$" "$OUT/train.log" | sed -n '1p;$p' || true
tail -n 3 "$OUT/train.log"
[ "$status" -eq 0 ] || exit "$status"
cp models/resume/colorizer_resume_fp16.pt models/training_log.jsonl "$OUT/"
"$PY" -m training.export --weights models/resume/colorizer_resume_fp16.pt --out "$OUT/colorizer.onnx"
