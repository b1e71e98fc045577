import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

describe('parseDuration', () => {
  it.each([
    ['48h', 48 * hour],
    ['7d', 7 * day],
    ['12h', 12 * hour],
    ['1h', hour],
    ['30m', 30 * minute],
    ['10s', 10 * second],
    ['500ms', 500],
    ['1h30m', hour + 30 * minute],
    ['1d12h', day + 12 * hour],
    ['2m30s500ms', 2 * minute + 30 * second + 500],
    [' 48h ', 48 * hour],
  ])('reads %j as %i milliseconds', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('tells minutes from milliseconds', () => {
    expect(parseDuration('5m')).toBe(5 * minute);
    expect(parseDuration('5ms')).toBe(5);
    expect(parseDuration('1m5ms')).toBe(minute + 5);
  });

  it.each([
    [''],
    ['   '],
    ['48'],
    ['h'],
    ['2x'],
    ['48 h'],
    ['1h 30m'],
    ['1.5h'],
    ['-1h'],
    ['+1h'],
    ['48H'],
    ['1w'],
    ['1y'],
    ['0s'],
    ['0h0m'],
    ['48h;rm'],
    ['h48'],
    ['١h'],
    ['99999999999999999999d'],
  ])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
