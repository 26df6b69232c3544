
trigger"�VIP 자동 배정:
statusisnew:
current_tagsincludesvipB 
prioritygreater_thannormalJ
priority
urgentJA
notification_user,"requester_id"
제목"
본문0*title*all*any*actions*position