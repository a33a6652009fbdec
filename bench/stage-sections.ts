import { dashboardProjectionBench } from './dashboard-projection';
import { intakeChecksBench } from './intake';
import { issuanceDataBench } from './issuance-data';
import type { BenchSection } from './section';

/** Single-stage costs on one core, without the broker: where each stage's CPU goes. */
export function intakeSection(): BenchSection {
  return {
    name: 'intake',
    title: "Intake: a submission's checks on one core",
    run: async () => {
      const f = await intakeChecksBench();
      return {
        figures: f,
        markdown: [
          '| submissions | field checks/s | glyph checks/s | photo checks/s | parse p95 ms | photo p95 ms |',
          '| ---: | ---: | ---: | ---: | ---: | ---: |',
          `| ${f.submissions} | ${Math.round(f.parsePerSecond)} | ${Math.round(f.glyphChecksPerSecond)} | ${f.photoChecksPerSecond.toFixed(1)} | ${f.parseP95Ms.toFixed(2)} | ${f.photoP95Ms.toFixed(1)} |`,
          '',
          'Normalisation and the applicant rules, the print font glyph check, and the photo header read plus full sharp decode; no HTTP, database or blob store.',
        ],
        chart: [
          { label: 'intake photo checks/s (1 core)', value: Number(f.photoChecksPerSecond.toFixed(1)) },
        ],
      };
    },
  };
}

export function issuanceDataSection(): BenchSection {
  return {
    name: 'issuance-data',
    title: 'Issuance data: bundles per second on one core',
    run: async () => {
      const figures = await issuanceDataBench();
      return {
        figures,
        markdown: [
          '| profile | bundles | bundles/s | p50 ms | p95 ms |',
          '| --- | ---: | ---: | ---: | ---: |',
          ...figures.map(
            (f) =>
              `| ${f.profile} | ${f.bundles} | ${f.bundlesPerSecond.toFixed(1)} | ${f.p50Ms.toFixed(1)} | ${f.p95Ms.toFixed(1)} |`,
          ),
          '',
          'Text images, the face image, the five AP files and their signatures with a software signer; no blob store, database or CA round trip.',
        ],
        chart: figures.map((f) => ({ label: `issuance ${f.profile} bundles/s`, value: f.bundlesPerSecond })),
      };
    },
  };
}

export function dashboardSection(): BenchSection {
  return {
    name: 'dashboard',
    title: "Dashboard: the read model's projection on Postgres",
    run: async () => {
      const f = await dashboardProjectionBench();
      return {
        figures: f,
        markdown: [
          '| applications | events | events/s | p50 ms | p95 ms | overview queries ms |',
          '| ---: | ---: | ---: | ---: | ---: | ---: |',
          `| ${f.applications} | ${f.events} | ${Math.round(f.eventsPerSecond)} | ${f.p50Ms.toFixed(1)} | ${f.p95Ms.toFixed(1)} | ${f.overviewMs.toFixed(1)} |`,
          '',
          'Each event through the idempotent consumer (inbox, read-model upsert, timeline, throughput), one at a time as one partition would; Kafka excluded.',
        ],
        chart: [{ label: 'dashboard projection events/s', value: f.eventsPerSecond }],
      };
    },
  };
}
