import type { ConnectorsMetrics } from '@cortex-os/telemetry';

type MetricName =
  | 'toolCallsTotal'
  | 'offlineFallbackTotal'
  | 'quotaExceededTotal'
  | 'toolCallDurationSeconds'
  | 'policyDecisionsTotal';

/** Value of one labelled series of a gateway metric (0 when absent; histograms: the `_count`). */
export async function metricValue(
  metrics: ConnectorsMetrics,
  name: MetricName,
  labels: Record<string, string>,
): Promise<number> {
  const data = await metrics[name].get();
  const series = data.values.filter((v) => {
    const l = v.labels as Record<string, unknown>;
    if (
      name === 'toolCallDurationSeconds' &&
      (v as { metricName?: string }).metricName !== 'brainwav_mcp_tool_call_duration_seconds_count'
    )
      return false;
    return Object.entries(labels).every(([k, value]) => l[k] === value);
  });
  return series.reduce((sum, v) => sum + v.value, 0);
}
