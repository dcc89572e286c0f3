-- mestat.outlier_message: the current definition of this function.
-- First created in 022_data_quality_ingest.sql.
-- Edit it here: the migration runner applies this file again when it changes
-- (CREATE OR REPLACE keeps grants and dependants; a change of columns or
-- argument types needs a numbered migration that drops the old one first).

set local role mestat_owner;

-- The sentence a clerk reads about a value far from what came before.
create or replace function mestat.outlier_message(p_value numeric, p_prior_period text, p_prior numeric, p_score double precision,
                                       p_threshold numeric, p_basis text, p_peers bigint, p_peer_median double precision)
returns text
language plpgsql
immutable
-- plpgsql, not sql: format() is only stable, so the planner cannot inline an
-- sql body here and would plan it anew on every call; plpgsql keeps its plan.
as $$
begin
	-- Chinese first, for the clerk, then the same in English.
	return format('%s %s你方 %s 数值 %s %s',
	              mestat.number_text(p_value),
	              case when p_value >= 2 * p_prior then '是' when p_value * 2 <= p_prior then '仅为' else '比' end,
	              p_prior_period, mestat.number_text(p_prior),
	              case
	              when p_value >= 2 * p_prior then
	                   '的 ' || case when p_value >= 10 * p_prior then trunc(p_value / p_prior)::text
	                                else trim_scale(round(p_value / p_prior, 1))::text end || ' 倍'
	              when p_value * 2 <= p_prior then
	                   '的 1/' || case when p_prior >= 10 * p_value then trunc(p_prior / p_value)::text
	                                  else trim_scale(round(p_prior / p_value, 1))::text end
	              when p_value >= p_prior then '高 ' || round(100 * (p_value - p_prior) / p_prior)::text || '%'
	              else '低 ' || round(100 * (p_prior - p_value) / p_prior)::text || '%'
	              end)
	       || case when p_peers is not null
	               then format('，而其他 %s 个省份的变化中位数为 %s%%', p_peers,
	                           case when p_peer_median >= 0 then '+' else '' end
	                           || round(100 * (exp(p_peer_median) - 1))::text)
	               else '' end
	       || '；如数值无误，无需处理；如有误，请报送更正值'
	       || case when p_peers is not null
	               then format('（相对其他省份的稳健评分 %s，阈值 %s）', round(p_score::numeric, 1), trim_scale(p_threshold))
	               when p_score is not null
	               then format('（相对你方以往%s变化的稳健评分 %s，阈值 %s）',
	                           case p_basis when 'year-on-year' then '同比' else '环比' end,
	                           round(p_score::numeric, 1), trim_scale(p_threshold))
	               when p_basis is not null
	               then format('（你方以往%s从未变化，阈值 %s）',
	                           case p_basis when 'year-on-year' then '同比' else '环比' end, trim_scale(p_threshold))
	               else '（历史数据太少，无法评分，按十倍变化提示）'
	          end
	       || ' / '
	       || format('%s is %s your %s value of %s',
	              mestat.number_text(p_value),
	              case
	              when p_value >= 2 * p_prior then
	                   case when p_value >= 10 * p_prior then trunc(p_value / p_prior)::text
	                        else trim_scale(round(p_value / p_prior, 1))::text end || '×'
	              when p_value * 2 <= p_prior then
	                   '1/' || case when p_prior >= 10 * p_value then trunc(p_prior / p_value)::text
	                                else trim_scale(round(p_prior / p_value, 1))::text end || ' of'
	              when p_value >= p_prior then round(100 * (p_value - p_prior) / p_prior)::text || '% above'
	              else round(100 * (p_prior - p_value) / p_prior)::text || '% below'
	              end,
	              p_prior_period, mestat.number_text(p_prior))
	       || case when p_peers is not null
	               then format(', while the other %s provinces changed by a median of %s%%', p_peers,
	                           case when p_peer_median >= 0 then '+' else '' end
	                           || round(100 * (exp(p_peer_median) - 1))::text)
	               else '' end
	       || '; if it is right, no action is needed; if not, send the corrected value'
	       || case when p_peers is not null
	               then format(' (robust score %s against the other provinces; threshold %s)',
	                           round(p_score::numeric, 1), trim_scale(p_threshold))
	               when p_score is not null
	               then format(' (robust score %s against your own %s changes; threshold %s)',
	                           round(p_score::numeric, 1), p_basis, trim_scale(p_threshold))
	               when p_basis is not null
	               then format(' (your own %s changes so far never moved; threshold %s)', p_basis, trim_scale(p_threshold))
	               else ' (too little history to score; a tenfold change is shown)'
	          end;
end
$$;

comment on function mestat.outlier_message(numeric, text, numeric, double precision, numeric, text, bigint, double precision) is
	'The warning for an unusual value, in Chinese and then in English: "13,200 是你方 2018Q2 数值 134 的 98 倍；如数值无误，无需处理；... / '
	'13,200 is 98× your 2018Q2 value of 134; if it is right, no action is needed; ..." '
	'and why it was held: a score against the reporter''s own p_basis changes, against p_peers other provinces whose '
	'median log change is p_peer_median, or a tenfold change.';
