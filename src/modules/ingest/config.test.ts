/** The ingest settings: the error threshold and the number of versions kept. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../kernel/config.js';

describe('ingest configuration', () => {
  it('defaults to a 5% threshold and 3 versions', () => {
    const c = loadConfig({});
    expect(c.ingestErrorThreshold).toBe(0.05);
    expect(c.datasetVersionsKept).toBe(3);
  });
  it('reads a fraction and a count', () => {
    const c = loadConfig({ INGEST_ERROR_THRESHOLD: '0.1', DATASET_VERSIONS_KEPT: '5' });
    expect(c.ingestErrorThreshold).toBe(0.1);
    expect(c.datasetVersionsKept).toBe(5);
    expect(loadConfig({ INGEST_ERROR_THRESHOLD: '0' }).ingestErrorThreshold).toBe(0);
    expect(loadConfig({ INGEST_ERROR_THRESHOLD: '1' }).ingestErrorThreshold).toBe(1);
  });
  it.each(['5%', '1.5', '-0.1', 'x'])('refuses INGEST_ERROR_THRESHOLD=%s naming the variable', (v) => {
    expect(() => loadConfig({ INGEST_ERROR_THRESHOLD: v })).toThrow(ConfigError);
    expect(() => loadConfig({ INGEST_ERROR_THRESHOLD: v })).toThrow(/INGEST_ERROR_THRESHOLD/);
  });
  it('refuses keeping no version', () => {
    expect(() => loadConfig({ DATASET_VERSIONS_KEPT: '0' })).toThrow(/DATASET_VERSIONS_KEPT/);
  });
});
