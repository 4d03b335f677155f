import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { collectDefaultProcessMetrics, createConnectorsMetrics, setManifestInfo } from '../src/index.js';

describe('createConnectorsMetrics', () => {
  it('registers every metric with documented names and labels', async () => {
    const m = createConnectorsMetrics();
    m.proxyUp.set({ connector: 'github' }, 1);
    m.refreshLatencyMs.observe(42);
    m.toolCallsTotal.inc({ connector: 'github', tool: 'search', outcome: 'ok' });
    m.toolCallDurationSeconds.observe({ connector: 'github', tool: 'search' }, 0.2);
    m.offlineFallbackTotal.inc({ connector: 'notion' }, 2);
    m.verifyFailuresTotal.inc({ code: 'EXPIRED' });
    m.manifestReloadFailuresTotal.inc({ reason: 'invalid' });
    m.quotaExceededTotal.inc({ connector: 'github' });
    m.appsWidgetLcpMs.set(812);
    m.redisUp.set(1);
    m.policyDecisionsTotal.inc({ decision: 'deny', connector: 'github' });
    m.policyDecisionsTotal.inc({ decision: 'allow', connector: 'github' }, 3);
    setManifestInfo(m, '2025.10.1');
    const text = await m.registry.metrics();
    expect(text).toContain('brainwav_mcp_connector_proxy_up{connector="github"} 1');
    expect(text).toContain('brainwav_connector_refresh_latency_ms_bucket{le="50"} 1');
    expect(text).toContain('brainwav_connector_refresh_latency_ms_bucket{le="5000"} 1');
    expect(text).toContain('brainwav_connector_refresh_latency_ms_sum 42');
    expect(text).toContain('brainwav_mcp_tool_calls_total{connector="github",tool="search",outcome="ok"} 1');
    expect(text).toContain(
      'brainwav_mcp_tool_call_duration_seconds_count{connector="github",tool="search"} 1',
    );
    expect(text).toContain('brainwav_mcp_connector_offline_fallback_total{connector="notion"} 2');
    expect(text).toContain('brainwav_service_map_verify_failures_total{code="EXPIRED"} 1');
    expect(text).toContain('brainwav_manifest_info{manifest_version="2025.10.1"} 1');
    expect(text).toContain('brainwav_manifest_reload_failures_total{reason="invalid"} 1');
    expect(text).toContain('brainwav_mcp_quota_exceeded_total{connector="github"} 1');
    expect(text).toContain('brainwav_apps_widget_lcp_ms 812');
    expect(text).toContain('brainwav_redis_up 1');
    expect(text).toContain('brainwav_mcp_policy_decisions_total{decision="deny",connector="github"} 1');
    expect(text).toContain('brainwav_mcp_policy_decisions_total{decision="allow",connector="github"} 3');
    const helps = text.split('\n').filter((l) => l.startsWith('# HELP'));
    expect(helps).toHaveLength(12);
    expect(helps.every((l) => l.includes('brAInwav'))).toBe(true);
    expect(text).not.toContain('brand=');
  });

  it('is idempotent per registry', () => {
    const registry = new Registry();
    const a = createConnectorsMetrics(registry);
    const b = createConnectorsMetrics(registry);
    expect(b).toBe(a);
    expect(b.toolCallsTotal).toBe(a.toolCallsTotal);
    expect(createConnectorsMetrics()).not.toBe(createConnectorsMetrics());
  });

  it('setManifestInfo keeps only the current version', async () => {
    const m = createConnectorsMetrics();
    setManifestInfo(m, 1);
    setManifestInfo(m, 2);
    const text = await m.registry.getSingleMetricAsString('brainwav_manifest_info');
    expect(text).toContain('brainwav_manifest_info{manifest_version="2"} 1');
    expect(text).not.toContain('manifest_version="1"');
  });
});

describe('collectDefaultProcessMetrics', () => {
  it('registers prefixed process metrics once', async () => {
    const registry = new Registry();
    collectDefaultProcessMetrics(registry);
    collectDefaultProcessMetrics(registry);
    const text = await registry.metrics();
    expect(text).toMatch(/^brainwav_process_cpu_user_seconds_total \d/m);
    expect(text).toContain('brainwav_nodejs_heap_size_total_bytes');
  });
});
