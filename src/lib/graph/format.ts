/** Panel numbers for people: axis labels (short, fixed width) and the current value in a panel's title. */
import type {GraphUnit} from './types.js'

import {formatCount, formatSize} from '../format/size.js'

const SI = ['', 'K', 'M', 'G', 'T', 'P']

/** 0, 12, 1.5K, 12M: at most 5 characters before any unit, for axis labels; `extra` more digits where labels need them. */
export function shortNumber(n: number, extra = 0): string {
  if (!Number.isFinite(n)) return '?'
  const sign = n < 0 ? '-' : ''
  let v = Math.abs(n)
  let i = 0
  while (v >= 999.5 && i < SI.length - 1) {
    v /= 1000
    i++
  }

  const digits = v === 0 || (i === 0 && Number.isInteger(v)) ? 0 : (v >= 100 ? 0 : v >= 10 ? 1 : 2) + extra
  return `${sign}${Number(v.toFixed(digits))}${SI[i]}`
}

/** An axis label: short, with the unit's suffix; `extra` digits tell apart labels of values close together. */
export function axisLabel(n: number, unit: GraphUnit, extra = 0): string {
  switch (unit) {
    case 'bytes': {
      return shortBytes(n, extra)
    }

    case 'bytes/s': {
      return `${shortBytes(n, extra)}/s`
    }

    case 'count/s': {
      return `${shortNumber(n, extra)}/s`
    }

    case 'percent': {
      return `${shortNumber(n, extra)}%`
    }

    default: {
      return shortNumber(n, extra)
    }
  }
}

/** The current value, in full: `1,234 msg/s`, `1.5 MiB`, `12.5%`. */
export function currentLabel(n: null | number, unit: GraphUnit): string {
  if (n === null || !Number.isFinite(n)) return '–'
  switch (unit) {
    case 'bytes': {
      return formatSize(Math.round(n))
    }

    case 'bytes/s': {
      return `${formatSize(Math.round(n))}/s`
    }

    case 'count/s': {
      return `${formatCount(Number(n.toFixed(n < 10 ? 1 : 0)))}/s`
    }

    case 'percent': {
      return `${Number(n.toFixed(1))}%`
    }

    default: {
      return formatCount(n)
    }
  }
}

function shortBytes(n: number, extra = 0): string {
  const units = ['B', 'K', 'M', 'G', 'T']
  let v = Math.abs(n)
  let i = 0
  while (v >= 1023.5 && i < units.length - 1) {
    v /= 1024
    i++
  }

  const digits = v === 0 || i === 0 ? 0 : (v >= 100 ? 0 : v >= 10 ? 1 : 2) + extra
  return `${n < 0 ? '-' : ''}${Number(v.toFixed(digits))}${units[i]}`
}
