import { join } from "node:path";
import { Extractor, ExtractorConfig, ExtractorLogLevel, type ExtractorMessage } from "@microsoft/api-extractor";

/** Where a package's checked-in API report lives, relative to the package folder. */
export const REPORT_FOLDER = "api";

/** What one API Extractor run said about a package. */
export interface ApiReportResult {
  /** The generated report differs from the checked-in one (or there is none). */
  changed: boolean;
  /** Errors (the run fails). */
  errors: string[];
  /** Warnings shown to the reader (TSDoc syntax, unresolved links); they do not fail the run. */
  warnings: string[];
}

/**
 * Generates the API report of one package from its built `dist/index.d.ts` with API Extractor and
 * compares it with `<package>/api/<name>.api.md`. With `update`, a changed report is written
 * there; without, a difference is an error (and the diff is printed).
 *
 * The report lists signatures, not comments, so only an API change moves it. Messages that
 * describe the surface itself (a type used by the API but not exported) go into the report, where
 * a reviewer sees them; missing comments are the TSDoc check's job (tsdoc-coverage.ts).
 */
export function apiExtractorReport(packageDir: string, tempDir: string, update: boolean): ApiReportResult {
  const entry = join(packageDir, "dist", "index.d.ts");
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: packageDir,
      mainEntryPointFilePath: entry,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: "ES2022",
            lib: ["ES2022"],
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            skipLibCheck: true,
            types: ["node"],
          },
          files: [entry],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: "<unscopedPackageName>.api.md",
        reportFolder: join(packageDir, REPORT_FOLDER),
        reportTempFolder: tempDir,
      },
      newlineKind: "lf",
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Error } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning },
          // Every export is public: there are no release stages (@beta, @internal) here.
          "ae-missing-release-tag": { logLevel: ExtractorLogLevel.None },
          "ae-undocumented": { logLevel: ExtractorLogLevel.None },
          "ae-forgotten-export": { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
          "ae-incompatible-release-tags": { logLevel: ExtractorLogLevel.None },
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
      },
    },
    configObjectFullPath: join(packageDir, "api-extractor.json"),
    packageJsonFullPath: join(packageDir, "package.json"),
  });

  const errors: string[] = [];
  const warnings: string[] = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    printApiReportDiff: !update,
    messageCallback(message: ExtractorMessage) {
      message.handled = true;
      const text = describe(message);
      if (message.logLevel === ExtractorLogLevel.Error) errors.push(text);
      else if (message.logLevel === ExtractorLogLevel.Warning) warnings.push(text);
    },
  });
  if (result.apiReportChanged && !update) {
    // The "you have changed the API" notice and its diff are warnings in API Extractor's terms;
    // here they fail the check.
    errors.push(...warnings.filter((warning) => warning.startsWith("(console-api-report")));
  }
  return {
    changed: result.apiReportChanged,
    errors: [...errors, ...(result.errorCount > errors.length ? ["API Extractor reported errors"] : [])],
    warnings: warnings.filter((warning) => !warning.startsWith("(console-api-report")),
  };
}

function describe(message: ExtractorMessage): string {
  const where = message.sourceFilePath ? ` ${message.sourceFilePath.replace(/^.*\/packages\//, "packages/")}:${message.sourceFileLine}` : "";
  return `(${message.messageId})${where} ${message.text}`;
}
