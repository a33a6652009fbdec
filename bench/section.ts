/**
 * One part of `npm run bench`: it measures, and returns its figures for the JSON file, its lines for the
 * markdown report, optionally bars for the report's chart, and a failure when a run did not do its work
 * (figures are never judged against targets here: the machine is shared and noisy).
 */
export interface BenchSection {
  readonly name: string;
  readonly title: string;
  /** `earlier`: the results of the sections that ran before this one in the same run, by name. */
  run(earlier: Readonly<Record<string, SectionResult>>): Promise<SectionResult>;
}

export interface SectionResult {
  readonly figures: unknown;
  readonly markdown: readonly string[];
  readonly failure?: string;
  readonly chart?: readonly { readonly label: string; readonly value: number }[];
}
