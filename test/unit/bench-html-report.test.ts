// The benchmark's HTML report (`npm run bench -- --html FILE`): ringmaster's scenarios before the baselines, each
// plotted line's sample count, and the terminal's warning when other processes used CPU during a scenario.
import { describe, expect, it } from 'vitest';
import type { LatencySummary } from '../../bench/lib/histogram.js';
import { toHtml } from '../../bench/report/html.js';
import type { Report, ScenarioOutcome } from '../../bench/report/model.js';

const latency = (p50: number, samples: number): LatencySummary => ({
  samples,
  p50,
  p90: p50 * 1.5,
  p99: p50 * 3,
  p999: p50 * 6,
  min: p50 / 2,
  max: p50 * 10,
  mean: p50 * 1.2,
});

function outcome(name: string, p50: number, samples: number, otherCpu: number | null): ScenarioOutcome {
  return {
    name,
    description: `the ${name} scenario`,
    wallMs: 1000,
    otherCpu,
    status: 'ok',
    result: { measurements: [{ kind: 'latency', what: `${name} round trip`, compare: 'round-trip', latency: latency(p50, samples) }] },
  };
}

function report(askCpu: number | null, postMessageCpu: number | null): Report {
  return {
    command: 'npm run bench -- --html x.html',
    startedAt: '2026-12-02T00:00:00.000Z',
    machine: {
      cpuModel: 'test CPU',
      cores: 2,
      availableParallelism: 2,
      memoryGiB: 4,
      os: 'linux',
      node: 'v20.20.2',
      v8: '11.3',
      loadAverage: [0, 0, 0],
      clockReadNs: 20,
    },
    settings: { quick: true, measureMs: 100, warmupMs: 10, baseline: 'post-message', engine: {}, engineResolved: { workers: 2 } },
    // Run order: the baseline first, as the CLI runs it.
    scenarios: [outcome('post-message', 30, 11_111, postMessageCpu), outcome('ask-round-trip', 3, 22_222, askCpu)],
    baselines: ['post-message'],
    targets: [
      {
        scenario: 'ask-round-trip',
        label: 'ask p50 <= 0.1x postMessage p50',
        compare: 'round-trip',
        against: { scenario: 'post-message', compare: 'round-trip' },
        factor: 0.1,
      },
    ],
  };
}

const figures = (html: string): string[] => [...html.matchAll(/<figure>([\s\S]*?)<\/figure>/g)].map((m) => m[1]!);

describe('the HTML report', () => {
  it("plots ringmaster's scenarios before the baselines, and lists them first in the tables", () => {
    const html = toHtml(report(0, 0));
    const captions = figures(html).map((f) => /<figcaption>([^:<]+):/.exec(f)?.[1]);
    expect(captions).toEqual(['ask-round-trip', 'post-message']);
    const table = html.slice(html.indexOf('<h2>Latency, µs</h2>'));
    expect(table.indexOf('<td>ask-round-trip</td>')).toBeLessThan(table.indexOf('<td>post-message</td>'));
  });

  it("gives every plotted line's sample count", () => {
    const [ours, baseline] = figures(toHtml(report(0, 0)));
    expect(ours).toContain('22,222 samples'); // its own line
    expect(ours).toContain('11,111 samples'); // the dashed baseline it is compared with
    expect(baseline).toContain('11,111 samples');
  });

  it('warns at the top, on the plots involved and under the targets when other processes used CPU', () => {
    const html = toHtml(report(0.35, 0));
    expect(html).toContain('WARNING: the machine was not idle.');
    expect(html).toContain('ask-round-trip 0.35');
    const [ours, baseline] = figures(html);
    expect(ours).toContain('Measured while other processes used CPU (ask-round-trip 0.35 CPUs)');
    expect(baseline).not.toContain('Measured while');
    const targets = html.slice(html.indexOf('<h2>Targets</h2>'), html.indexOf('<h2>Latency distributions</h2>'));
    expect(targets).toContain('before trusting these verdicts');
  });

  it('warns on a plot whose dashed comparison was the disturbed one', () => {
    const [ours] = figures(toHtml(report(0, 0.5)));
    expect(ours).toContain('Measured while other processes used CPU (post-message 0.50 CPUs)');
  });

  it('shows no warning for an idle machine, but still the CPU other processes used', () => {
    const html = toHtml(report(0.02, 0.05));
    expect(html).not.toContain('class="warn"');
    expect(html).toContain('post-message 0.05, ask-round-trip 0.02');
  });
});
