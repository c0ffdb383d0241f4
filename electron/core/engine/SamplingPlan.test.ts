import { describe, expect, it } from 'vitest';
import { SamplingPlan } from './SamplingPlan.js';

const noPunish = () => [];

describe('SamplingPlan', () => {
  it('passes min_p through to the sampler', () => {
    const options = new SamplingPlan({ do_sample: true, min_p: 0.05, seed: 1 }).stepOptions(noPunish);
    expect(options).toMatchObject({ minP: 0.05 });
  });

  it('samples when min_p is above 0, as top_p does, and reports a seed', () => {
    const plan = new SamplingPlan({ min_p: 0.1 });
    expect(plan.sampling).toBe(true);
    expect(plan.seed).not.toBeNull();
    expect(plan.stepOptions(noPunish)).toMatchObject({ minP: 0.1, temperature: 1 });
  });

  it('stays greedy with min_p 0 (off) and no other warper', () => {
    const plan = new SamplingPlan({ min_p: 0 });
    expect(plan.sampling).toBe(false);
    expect(plan.stepOptions(noPunish)).toEqual({ temperature: 0, repeatPenalty: undefined });
  });

  it('leaves min-p off when min_p is not set', () => {
    expect(new SamplingPlan({ do_sample: true, seed: 1 }).stepOptions(noPunish)).toMatchObject({ minP: 0 });
  });
});
