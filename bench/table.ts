/** The bench's table: each scenario's figures with their targets (run.ts prints it; history.ts keeps its figures). */
import type { Figure } from './history.ts';
import type { Summary } from './lib.ts';
import { CAMPUS_LABELS, CAMPUS_SETUPS } from './campus.ts';

/** The table of a run's results (as bench/results.json holds them), and each figure it shows for bench/history.jsonl. */
export function tableOf(r: any, P: { fleet: number[]; e2eJobs: number; outputMb: number; idleWorkers: number }): { text: string; figures: Figure[] } {
  const figures: Figure[] = [];
  const row = (name: string, s: Summary | undefined, unit: string, target: string): string => {
    if (!s) return '';
    figures.push({ name, median: s.median, unit });
    return `| ${name} | ${s.median} ${unit} | ${s.min} – ${s.max} | ${target} |`;
  };
  const lines = [
    '| figure | median | min – max | target |',
    '| --- | --- | --- | --- |',
    row('pickup p50', r.pickup_ms?.p50, 'ms', '< 15 ms'),
    row('pickup p99', r.pickup_ms?.p99, 'ms', '< 50 ms'),
    row('seed polling pickup p50', r.seed_polling_pickup_ms?.p50, 'ms', '(baseline)'),
    ...P.fleet.flatMap((n) => [
      row(`throughput, ${n} simulated workers`, r.throughput_jobs_per_s?.[`w${n}`], 'jobs/s', n === 50 ? '≥ 1000' : n === 1000 ? '≥ 500' : ''),
      row(`worker requests p99, ${n} workers`, r.api_p99_ms?.[`w${n}`], 'ms', ''),
      row(`api_p99: dashboard and admin requests, ${n} workers`, r.admin_p99_ms?.[`w${n}`], 'ms', n === 1000 ? '≤ 50 ms' : ''),
      row(`event-loop delay p99, ${n} workers`, r.event_loop_p99_ms?.[`w${n}`], 'ms', ''),
      row(`coordinator RSS, ${n} workers`, r.coordinator_rss_mb?.[`w${n}`], 'MB', ''),
    ]),
    ...campusRows(r.campus, row),
    row(`end to end, ${P.e2eJobs} jobs, 2 workers`, r.e2e?.seconds, 's', ''),
    row('end to end floor (xargs -P2)', r.e2e?.floor_seconds, 's', ''),
    row('end to end ratio', r.e2e?.ratio, '×', '≤ 5'),
    ...Object.entries<Summary>(r.e2e?.phases_ms ?? {}).map(([name, s]) => row(`end to end, per job: ${name}`, s, 'ms', '')),
    row(`upload (${r.upload?.size_mb ?? ''} MB zip)`, r.upload?.mb_per_s, 'MB/s', '≥ 300'),
    row('download by a worker', r.download?.mb_per_s, 'MB/s', '≥ 300'),
    row('coordinator peak RSS, upload + download', r.upload?.coordinator_peak_rss_mb, 'MB', '< 150'),
    row(`worker peak RSS, ${P.outputMb} MB of output`, r.output?.worker_peak_rss_mb, 'MB', '< 150'),
    row(`coordinator peak RSS, ${P.outputMb} MB of output`, r.output?.coordinator_peak_rss_mb, 'MB', '< 150'),
    row('runs: broadcast to 1,000 workers, create answered', r.runs?.broadcast_create_ms, 'ms', '< 1000 ms'),
    row('runs: broadcast to 1,000 workers, all assigned', r.runs?.all_assigned_ms, 'ms', ''),
    row('runs: coordinator CPU while assigning', r.runs?.coordinator_cpu_pct, '% of a core', ''),
    row('runs: map of 500 zips, create answered (upload included)', r.runs?.map_create_ms, 'ms', '< 1000 ms'),
    row(`log: bytes sent to an open job page / log size (${r.log?.log_mb ?? ''} MB, ${r.log?.lines ?? ''} lines)`, r.log?.page_bytes_ratio, '×', '≤ 1.1'),
    row('log: finished job opened, tail on screen', r.log?.tail_on_screen_ms, 'ms', '< 1000 ms'),
    row('log: worker peak RSS', r.log?.worker_peak_rss_mb, 'MB', '< 150'),
    row('log: coordinator peak RSS', r.log?.coordinator_peak_rss_mb, 'MB', '< 150'),
    r.cancel_ms
      ? `| cancel to process group gone (${r.cancel_ms.cancels} cancels) | p50 ${r.cancel_ms.p50} ms | max ${r.cancel_ms.max} ms | max < 1500 ms |`
      : '',
    row(`idle fleet (${P.idleWorkers} workers) coordinator CPU`, r.idle_fleet?.coordinator_cpu_pct, '% of a core', '< 15%'),
    row('idle fleet heartbeat p99', r.idle_fleet?.heartbeat_p99_ms, 'ms', '< 20 ms'),
    row(`memory: coordinator RSS, idle with ${P.idleWorkers} workers`, r.idle_fleet?.coordinator_rss_mb, 'MB', '≤ 120 MB'),
    row('similarity: 100 zips of 2,000 lines, through the worker thread', r.similarity?.seconds, 's', '< 10 s'),
    row('similarity: longest event-loop pause meanwhile', r.similarity?.event_loop_longest_pause_ms, 'ms', ''),
    row(
      `dashboard: first paint after sign-in (${r.dashboard?.jobs ?? ''} jobs, ${r.dashboard?.workers ?? ''} workers)`,
      r.dashboard?.first_paint_sign_in_ms,
      'ms',
      '< 1000 ms',
    ),
    row('dashboard: first paint on load with the session cookie', r.dashboard?.first_paint_reload_ms, 'ms', '< 1000 ms'),
    ...dashboardRows(r.dashboard, figures),
    r.similarity ? `| similarity: planted copies are the top pairs | ${r.similarity.planted_are_top_pairs ? 'yes' : 'no'} | | yes |` : '',
  ];
  return { text: [...lines, ...fanoutRows(r.fanout, figures)].filter(Boolean).join('\n'), figures };
}

/** One run each (a lab of 21 processes is too slow to repeat): peers, then coordinator only, each as a multiple of one transfer. */
function fanoutRows(f: any, figures: Figure[]): string[] {
  if (!f) return [];
  return [1, 5, 10]
    .filter((n) => f[`n${n}`])
    .map((n) => {
      const r = f[`n${n}`];
      const target = n === 10 ? '≤ 3 × one transfer' : '';
      figures.push(
        { name: `fanout: ${n} workers, with peers`, median: r.peers.seconds, unit: 's' },
        { name: `fanout: ${n} workers, coordinator only`, median: r.coordinator.seconds, unit: 's' },
      );
      return `| fanout: ${f.size_mb} MB zip to ${n} worker${n > 1 ? 's' : ''} (${f.link}), to the last first command | ${r.peers.seconds} s with peers (${r.peers_ratio} ×, ${r.peers.fromPeers} from peers) | coordinator only ${r.coordinator.seconds} s (${r.coordinator_ratio} ×) | ${target} |`;
    });
}

/** The dashboard's one-number figures (a worker's change, long tasks, idle feed), kept in the history too. */
function dashboardRows(d: any, figures: Figure[]): string[] {
  if (!d) return [];
  figures.push(
    { name: "dashboard: a worker's change visible p95", median: d.change_visible_p95_ms, unit: 'ms' },
    { name: 'dashboard: longest long task', median: d.long_task_max_ms, unit: 'ms' },
    { name: 'dashboard: live feed to an idle page', median: d.idle_ws_kb_per_s, unit: 'KB/s' },
  );
  return [
    `| dashboard: a worker's change visible | p50 ${d.change_visible_p50_ms} ms | p95 ${d.change_visible_p95_ms} ms | < 250 ms |`,
    `| dashboard: longest long task | ${d.long_task_max_ms} ms | ${d.long_tasks_over_100ms} over 100 ms | ≤ 100 ms |`,
    `| dashboard: live feed to an idle page | ${d.idle_ws_kb_per_s} KB/s | | < 50 KB/s |`,
  ];
}

/** The campus scenario: each setup's throughput and pickup, side by side (measured in the same runs, in turn). */
function campusRows(c: any, row: (name: string, s: Summary | undefined, unit: string, target: string) => string): string[] {
  if (!c) return [];
  return [
    ...CAMPUS_SETUPS.map((name) =>
      row(`campus: throughput, ${c.workers} simulated workers, ${CAMPUS_LABELS[name]}`, c[name]?.throughput_jobs_per_s, 'jobs/s', ''),
    ),
    ...CAMPUS_SETUPS.map((name) => row(`campus: worker requests p99, ${CAMPUS_LABELS[name]}`, c[name]?.worker_requests_p99_ms, 'ms', '')),
    ...CAMPUS_SETUPS.map((name) => row(`campus: pickup p50, ${CAMPUS_LABELS[name]}`, c[name]?.pickup_p50_ms, 'ms', '')),
    ...CAMPUS_SETUPS.map((name) => row(`campus: pickup p99, ${CAMPUS_LABELS[name]}`, c[name]?.pickup_p99_ms, 'ms', '')),
  ];
}
