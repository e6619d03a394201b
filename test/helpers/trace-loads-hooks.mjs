import {appendFileSync} from 'node:fs'

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context)
  if (process.env.NATSX_LOADS) appendFileSync(process.env.NATSX_LOADS, result.url + '\n')
  return result
}
